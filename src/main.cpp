// oneall-bulk: batch runner for the OneAll Update API. All the work is in src/cli/.
#include "cli/app.hpp"

int main(int argc, char** argv) { return oneall::cli::run_main(argc, argv); }
