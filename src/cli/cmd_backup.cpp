// `backup DEST` (docs/cli.md#backup): a consistent copy of a live SQLite queue in a new file,
// through SQLite's online backup, while a run may go on writing to the queue (see
// store/queue_backup.cpp for why the run is not held up). A PostgreSQL queue is refused: its
// own tools (pg_dump) back it up, and `copy` takes a snapshot of it into a SQLite file.
#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>
#include <ostream>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/open_queue.hpp"
#include "store/queue.hpp"
#include "store/queue_location.hpp"
#include "util/clock.hpp"
#include "util/text.hpp"

namespace oneall::cli {
namespace {

constexpr std::int64_t kProgressFromPages = 25'000;  // ~100 MiB: shorter backups say nothing

class BackupCommand final : public Command {
 public:
  explicit BackupCommand(CLI::App& app)
      : sub_(app.add_subcommand("backup",
                                "Copy a live SQLite queue into a new file, while runs go on")) {
    sub_->footer(
        "SQLite's online backup copies the queue from one snapshot into DEST.partial, which\n"
        "takes the name DEST once complete and synced; a run may keep working the queue.\n"
        "`audit verify --db DEST` checks the copy. For a PostgreSQL queue use pg_dump, or\n"
        "`oneall-bulk copy URI FILE` for a snapshot into a SQLite file.\n"
        "Exit status: 0 copied, 2 bad usage, no queue at the path, a DEST that exists or a\n"
        "PostgreSQL queue, 5 storage or system error.");
    sub_->add_option("dest", dest_, "The new file to write the copy to")->required();
    sub_->add_flag("--json", json_, "Print one JSON object");
  }

  CLI::App& subcommand() override { return *sub_; }

  int run(const GlobalOptions& global, Streams streams) override {
    if (int bad = check_queue_location(global, streams.err); bad != kExitOk) return bad;
    if (store::parse_queue_location(global.db)->kind == store::QueueLocation::Kind::kPostgres) {
      streams.err << fmt::format(
          "backup copies a SQLite queue file; {} is a PostgreSQL database. Back it up with "
          "pg_dump, or take a snapshot of it into a SQLite file with: oneall-bulk copy URI "
          "FILE\n",
          shown_db(global));
      return kExitUsage;
    }
    struct stat existing {};
    if (::lstat(dest_.c_str(), &existing) == 0) {
      streams.err << fmt::format(
          "{} already exists: backup writes only a new file; name another, or remove that one "
          "first\n",
          dest_);
      return kExitUsage;
    }
    SystemClock clock;
    auto opened = open_queue(global, clock, streams.err, store::QueueOpen::kExistingOnly);
    if (!opened.queue) return opened.exit_code;
    const auto started = std::chrono::steady_clock::now();
    std::int64_t pages = 0;
    std::int64_t shown_tenth = 0;
    auto copied = opened.queue->backup_to(dest_, [&](std::int64_t done, std::int64_t total) {
      pages = total;
      const std::int64_t tenth = total > 0 ? done * 10 / total : 10;
      if (total >= kProgressFromPages && tenth > shown_tenth && tenth < 10) {
        streams.err << fmt::format("backup: {}% ({} of {} pages)\n", tenth * 10, done, total);
      }
      shown_tenth = tenth;
    });
    if (!copied) {
      streams.err << copied.error().message << '\n';
      return kExitStorage;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    if (json_) {
      streams.out << with_queue_field(global, fmt::format(R"({{"destination":{},"pages":{},)"
                                                          R"("duration_ms":{},"exit_code":0}})",
                                                          json_string(dest_), pages, ms))
                  << '\n';
      return kExitOk;
    }
    streams.out << queue_line(global, *opened.queue) << '\n'
                << fmt::format(
                       "backed up into {}: {} pages in {:.1f} s\n"
                       "check the copy with: oneall-bulk audit verify --db {}\n",
                       dest_, pages, static_cast<double>(ms) / 1000.0, dest_);
    return kExitOk;
  }

 private:
  CLI::App* sub_;
  std::string dest_;
  bool json_ = false;
};

}  // namespace

std::unique_ptr<Command> make_backup_command(CLI::App& app) {
  return std::make_unique<BackupCommand>(app);
}

}  // namespace oneall::cli
