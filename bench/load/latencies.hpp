#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace bench {

/// Latency samples in milliseconds, with exact percentiles (samples are kept; a bench run
/// holds at most a few tens of millions).
class latencies {
public:
  void add(double ms) {
    samples_.push_back(static_cast<float>(ms));
    sorted_ = false;
  }
  size_t count() const {
    return samples_.size();
  }
  /// The p-quantile (0 ≤ p ≤ 1); 0 without samples.
  double percentile(double p) {
    if (samples_.empty())
      return 0;
    if (!sorted_)
      std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
    auto i = static_cast<size_t>(p * static_cast<double>(samples_.size() - 1) + 0.5);
    return samples_[std::min(i, samples_.size() - 1)];
  }

private:
  std::vector<float> samples_;
  bool sorted_ = true;
};

} // namespace bench
