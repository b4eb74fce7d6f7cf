#include "http/openapi_document.hpp"
#include "http/router.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <string>

using namespace runcast::http;

// The OpenAPI document (web/openapi.json) against the router's own table: the same routes,
// each with its path parameters declared and its answers described. (Its validity against
// the OpenAPI 3.1 schema is checked by a validator: tests/web, openapi_document_is_valid.)

namespace {

const nlohmann::json& document() {
  static const auto doc = nlohmann::json::parse(openapi_document);
  return doc;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const std::set<std::string> http_methods{"get", "put", "post", "delete", "options", "head",
                                         "patch", "trace"};

} // namespace

TEST_CASE("the OpenAPI document describes exactly the routes the router serves") {
  std::set<std::string> routed;
  for (const auto& r : route_list())
    routed.insert(lower(std::string{to_string(r.method)}) + " " + r.pattern);
  std::set<std::string> documented;
  for (const auto& [path, item] : document().at("paths").items())
    for (const auto& [key, op] : item.items())
      if (http_methods.count(key) > 0)
        documented.insert(key + " " + path);
  CHECK(routed.size() > 10);
  CHECK(documented == routed);
}

TEST_CASE("every documented path parameter is declared and every operation has its answers") {
  const auto& doc = document();
  CHECK(doc.at("openapi").get<std::string>().rfind("3.1", 0) == 0);
  const std::regex param{R"(\{([a-z_]+)\})"};
  for (const auto& [path, item] : doc.at("paths").items()) {
    std::set<std::string> in_path;
    for (std::sregex_iterator i{path.begin(), path.end(), param}, end; i != end; ++i)
      in_path.insert((*i)[1]);
    for (const auto& [key, op] : item.items()) {
      if (http_methods.count(key) == 0)
        continue;
      INFO(key << " " << path);
      std::set<std::string> declared;
      for (const auto* list : {&item, &op})
        if (list->contains("parameters"))
          for (const auto& p : list->at("parameters"))
            if (p.at("in") == "path")
              declared.insert(p.at("name").get<std::string>());
      CHECK(declared == in_path);
      CHECK(op.contains("operationId"));
      REQUIRE(op.contains("responses"));
      // Every route but the public pages sits behind --auth-key (the login answers 401 to a
      // wrong key, not to a missing one).
      bool public_page = path == "/health" || path == "/" || path == "/console.js"
                         || path == "/auth/login" || path == "/auth/logout";
      if (path != "/auth/login")
        CHECK(op.at("responses").contains("401") != public_page);
      CHECK(op.contains("security") == public_page);
      for (const auto& [status, answer] : op.at("responses").items())
        CHECK((answer.contains("description") || answer.contains("$ref")));
    }
  }
}
