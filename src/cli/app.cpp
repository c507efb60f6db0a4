#include "cli/app.hpp"

#include <cstdlib>
#include <exception>
#include <iostream>
#include <vector>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/json_fallback.hpp"
#include "cli/version_report.hpp"

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
  commands.push_back(make_pause_command(app));
  commands.push_back(make_resume_command(app));
  commands.push_back(make_copy_command(app));
  commands.push_back(make_prune_command(app));
  commands.push_back(make_backup_command(app));
  commands.push_back(make_sandbox_command(app));
  commands.push_back(make_check_command(app));
  commands.push_back(make_completion_command(app));
  return commands;
}

namespace {

// The stderr kept for --json's error object; a message is far shorter.
constexpr std::size_t kKeptErrorBytes = 16 * 1024;

int parse_and_run(int argc, char** argv, Streams streams) {
  CLI::App app{
      "oneall-bulk: bulk updates and deletes through the OneAll Update API, queued durably in\n"
      "SQLite, sent concurrently, every request recorded for auditing."};
  app.require_subcommand(1);
  app.fallthrough();  // --db may follow the subcommand

  GlobalOptions global;
  if (const char* db = std::getenv("ONEALL_BULK_DB"); db != nullptr && *db != '\0') {
    global.db = db;
    global.db_source = DbSource::kEnvironment;
  }
  app.add_option("--db", global.db, "Queue database (default ./oneall-bulk.db or $ONEALL_BULK_DB)");
  app.set_version_flag(
      "--version",
      [] {
        std::string report = version_report();
        report.pop_back();  // CLI11 ends the line itself
        return report;
      },
      "Print the version, the git revision and the libraries' versions, and exit");

  std::vector<std::unique_ptr<Command>> commands = make_commands(app);
  // After the subcommands, which would otherwise inherit it in place of their exit codes.
  app.footer(
      "Quick start: oneall-bulk run --sandbox jobs/examples/cleanup.yaml\n"
      "Run `oneall-bulk COMMAND --help` for a command's options and exit codes.");

  // --db on each command that opens the queue (and on its own subcommands: `audit verify`), so
  // that its --help shows it; the others' help does not offer an option they would ignore.
  for (auto& command : commands) {
    if (!command->uses_queue()) continue;
    command->subcommand().add_option("--db", global.db, "Queue database file");
    for (CLI::App* nested : command->subcommand().get_subcommands({})) {
      nested->add_option("--db", global.db, "Queue database file");
    }
  }

  const std::string db_before_parse = global.db;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help
    return app.exit(e, streams.out, streams.err);
  } catch (const CLI::ParseError& e) {
    app.exit(e, streams.out, streams.err);
    return kExitUsage;
  }

  // --db is registered on several (sub)commands, all bound to global.db: a changed path is the
  // sign that one of them was given.
  if (global.db != db_before_parse) global.db_source = DbSource::kOption;

  for (auto& command : commands) {
    if (command->subcommand().parsed()) return command->run(global, streams);
  }
  return kExitUsage;
}

}  // namespace

int run_main(int argc, char** argv) {
  const bool json = asks_for_json(argc, argv);
  RecordingBuffer out_record(std::cout.rdbuf(), 0);
  RecordingBuffer err_record(std::cerr.rdbuf(), json ? kKeptErrorBytes : 0);
  std::ostream out(&out_record);
  std::ostream err(&err_record);
  err.setf(std::ios::unitbuf);  // as std::cerr: each message out at once

  int exit_code = kExitStorage;
  try {
    exit_code = parse_and_run(argc, argv, {out, err});
  } catch (const std::exception& e) {
    err << "oneall-bulk: unexpected error: " << e.what() << '\n';
  }
  out.flush();
  if (json && exit_code != kExitOk && out_record.bytes() == 0) {
    out << json_error_object(exit_code, err_record.kept()) << '\n' << std::flush;
  }
  return exit_code;
}

}  // namespace oneall::cli
