#include "cli/app.hpp"

#include <cstdlib>
#include <exception>
#include <iostream>
#include <vector>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"

namespace oneall::cli {

std::vector<std::unique_ptr<Command>> make_commands(CLI::App& app) {
  std::vector<std::unique_ptr<Command>> commands;
  commands.push_back(make_validate_command(app));
  commands.push_back(make_import_command(app));
  commands.push_back(make_run_command(app));
  commands.push_back(make_status_command(app));
  commands.push_back(make_audit_command(app));
  commands.push_back(make_report_command(app));
  commands.push_back(make_retry_command(app));
  commands.push_back(make_cancel_command(app));
  commands.push_back(make_sandbox_command(app));
  commands.push_back(make_check_command(app));
  return commands;
}

int run_main(int argc, char** argv) {
  CLI::App app{
      "oneall-bulk: bulk updates and deletes through the OneAll Update API, queued durably in\n"
      "SQLite, sent concurrently, every request recorded for auditing."};
  app.require_subcommand(1);
  app.fallthrough();  // --db may follow the subcommand
  app.footer(
      "Quick start: oneall-bulk run --sandbox jobs/examples/cleanup.yaml\n"
      "Run `oneall-bulk COMMAND --help` for a command's options.");

  GlobalOptions global;
  if (const char* db = std::getenv("ONEALL_BULK_DB"); db != nullptr && *db != '\0') {
    global.db = db;
    global.db_source = DbSource::kEnvironment;
  }
  app.add_option("--db", global.db, "Queue database (default ./oneall-bulk.db or $ONEALL_BULK_DB)");

  std::vector<std::unique_ptr<Command>> commands = make_commands(app);

  // --db on every command too, so that each command's --help shows it.
  for (auto& command : commands) {
    command->subcommand().add_option("--db", global.db, "Queue database file");
  }

  const std::string db_before_parse = global.db;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  // --db is registered on several (sub)commands, all bound to global.db: a changed path is the
  // sign that one of them was given.
  if (global.db != db_before_parse) global.db_source = DbSource::kOption;

  try {
    for (auto& command : commands) {
      if (command->subcommand().parsed()) return command->run(global, {std::cout, std::cerr});
    }
  } catch (const std::exception& e) {
    std::cerr << "oneall-bulk: unexpected error: " << e.what() << '\n';
    return kExitStorage;
  }
  return kExitUsage;
}

}  // namespace oneall::cli
