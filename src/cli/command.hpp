// What every subcommand is: it registers its options on its own CLI11 subcommand, and runs
// when that subcommand was chosen, returning an exit code. Output goes to the streams given,
// so tests can drive commands in-process.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace oneall::cli {

// The queue files used when neither --db nor ONEALL_BULK_DB names one: rehearsals on the
// built-in sandbox keep a queue of their own, so that a real run after a rehearsal in the same
// folder finds its jobs still to do (docs/cli.md#rehearse-then-go-live).
inline constexpr const char* kDefaultDb = "oneall-bulk.db";
inline constexpr const char* kSandboxDb = "oneall-bulk-sandbox.db";

// Where the queue's path came from, so that messages can say which queue a command used.
enum class DbSource { kDefault, kOption, kEnvironment, kSandboxDefault };

// Options every command takes (docs/cli.md#options-every-command-takes).
struct GlobalOptions {
  std::string db = kDefaultDb;  // --db, or ONEALL_BULK_DB
  DbSource db_source = DbSource::kDefault;
};

struct Streams {
  std::ostream& out;
  std::ostream& err;
};

class Command {
 public:
  virtual ~Command() = default;
  virtual CLI::App& subcommand() = 0;
  virtual int run(const GlobalOptions& global, Streams streams) = 0;
  // Whether the command reads or writes the queue, and so takes --db.
  virtual bool uses_queue() const { return true; }
};

std::unique_ptr<Command> make_validate_command(CLI::App& app);
std::unique_ptr<Command> make_import_command(CLI::App& app);
std::unique_ptr<Command> make_run_command(CLI::App& app);
std::unique_ptr<Command> make_status_command(CLI::App& app);
std::unique_ptr<Command> make_audit_command(CLI::App& app);
std::unique_ptr<Command> make_report_command(CLI::App& app);
std::unique_ptr<Command> make_retry_command(CLI::App& app);
std::unique_ptr<Command> make_cancel_command(CLI::App& app);
std::unique_ptr<Command> make_pause_command(CLI::App& app);
std::unique_ptr<Command> make_resume_command(CLI::App& app);
std::unique_ptr<Command> make_copy_command(CLI::App& app);
std::unique_ptr<Command> make_prune_command(CLI::App& app);
std::unique_ptr<Command> make_backup_command(CLI::App& app);
std::unique_ptr<Command> make_sandbox_command(CLI::App& app);
std::unique_ptr<Command> make_check_command(CLI::App& app);
std::unique_ptr<Command> make_completion_command(CLI::App& app);

// Every command above, registered on `app` in the order --help lists them: the one list
// run_main offers, and the one tests check --help against.
std::vector<std::unique_ptr<Command>> make_commands(CLI::App& app);

}  // namespace oneall::cli
