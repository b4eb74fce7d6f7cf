// runcast: the executable (app/serve.hpp does the work).

#include "app/serve.hpp"
#include "runnables/builtins.hpp"

int main(int argc, char** argv) {
  return runcast::app::main_with(argc, argv, runcast::runnables::builtins());
}
