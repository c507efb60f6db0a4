#include "cli/job_file_import.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <ostream>
#include <span>
#include <thread>
#include <utility>

#include "cli/job_files.hpp"
#include "store/job_keys.hpp"
#include "util/bounded_channel.hpp"
#include "util/sha256.hpp"

namespace oneall::cli {
namespace {

// Jobs handed across together. A chunk that comes back is filled again in place: a job copied
// into a spent one reuses its strings' room, so the reading allocates little and frees little.
struct Chunk {
  std::vector<store::NewJob> slots;  // the first `size` are this chunk's jobs
  std::size_t size = 0;

  std::span<const store::NewJob> jobs() const { return {slots.data(), size}; }
  store::NewJob& next_slot() {
    if (size == slots.size()) slots.emplace_back();
    return slots[size++];
  }
};

// Jobs go across in chunks, so that the threads meet once per chunk rather than once per job;
// a few chunks in flight keep both busy and memory bounded (a job is a few hundred bytes).
constexpr std::size_t kJobsPerChunk = 256;
constexpr std::size_t kChunksInFlight = 2;

// The reading side: a thread that reads the files in order and hands their rendered and keyed
// jobs over, keeping each file's problems. It goes on reading after the other side stopped taking
// jobs, so that every problem is found, as `validate` finds them.
class ReadingThread {
 public:
  ReadingThread(const std::vector<std::string>& paths, const jobfile::ReadOptions& options)
      : paths_(paths), options_(options), thread_([this] { read_all(); }) {}
  ~ReadingThread() {
    stop_taking();
    finish();
  }
  ReadingThread(const ReadingThread&) = delete;
  ReadingThread& operator=(const ReadingThread&) = delete;

  // The next chunk, in file order; nullopt when all were read.
  std::optional<Chunk> next() { return chunks_.pop(); }
  // A chunk whose jobs were queued: its room is used again on the reading thread, which
  // allocated it (freeing it here cost this side a tenth of its time).
  void give_back(Chunk&& chunk) { spent_.try_push(chunk); }
  // Takes no more jobs: the reading goes on, for its problems only.
  void stop_taking() { chunks_.close(); }
  // Waits for the reading to end. Then the results below may be read.
  void finish() {
    if (thread_.joinable()) thread_.join();
  }

  // Every problem, file by file in order.
  const std::vector<jobfile::Diagnostic>& problems() const { return problems_; }
  // A job that passed its checks and still could not be rendered, or the reading itself failed.
  const std::optional<Error>& failure() const { return failure_; }

 private:
  void read_all() noexcept;
  void take(jobfile::JobRecord&& record);
  void hand_over();

  const std::vector<std::string>& paths_;
  const jobfile::ReadOptions& options_;
  BoundedChannel<Chunk> chunks_{kChunksInFlight};
  BoundedChannel<Chunk> spent_{kChunksInFlight + 2};  // room for every chunk there can be
  Chunk chunk_;
  Sha256 hasher_;  // for the jobs' keys, worked out here rather than on the queuing thread
  bool handing_over_ = true;  // until the other side stops taking jobs
  std::vector<jobfile::Diagnostic> problems_;
  std::optional<Error> failure_;
  std::thread thread_;  // last: starts once everything it uses is built
};

void ReadingThread::read_all() noexcept {
  try {
    for (const auto& path : paths_) {
      auto found = jobfile::read_job_file(path, options_,
                                          [&](jobfile::JobRecord&& r) { take(std::move(r)); });
      for (auto& problem : found) problems_.push_back(std::move(problem));
    }
    if (!failure_ && problems_.empty()) hand_over();
  } catch (const std::exception& e) {
    failure_ = Error{fmt::format("cannot read the job files: {}", e.what())};
  }
  chunks_.close();
}

void ReadingThread::take(jobfile::JobRecord&& record) {
  // After a problem nothing will be queued: the rest is read for its problems only.
  if (!handing_over_ || failure_ || !problems_.empty()) return;
  auto rendered = render_job(record);
  if (!rendered) {
    failure_ = rendered.error();
    return;
  }
  store::NewJob& job = chunk_.next_slot();
  job.action = record.action;
  job.schedule = record.schedule;
  job.request = rendered->request;
  job.source = rendered->source;
  store::set_keys(hasher_, job);
  if (chunk_.size == kJobsPerChunk) hand_over();
}

void ReadingThread::hand_over() {
  if (chunk_.size == 0) return;
  Chunk next;
  if (auto spent = spent_.try_pop()) {
    next = std::move(*spent);
    next.size = 0;
  } else {
    next.slots.reserve(kJobsPerChunk);
  }
  std::swap(next, chunk_);
  handing_over_ = chunks_.push(std::move(next));
}

std::string batch_description(const std::vector<std::string>& paths) {
  std::string description;
  for (const auto& path : paths) {
    if (!description.empty()) description += ", ";
    description += std::filesystem::path(path).filename().string();
  }
  return description;
}

}  // namespace

JobFilesImport import_job_files(store::Queue& queue, const std::vector<std::string>& paths,
                                const jobfile::ReadOptions& options, std::ostream& problems_out) {
  ReadingThread reading(paths, options);
  std::optional<Error> store_failure;
  // Destroyed (rolled back) unless committed, after the reading ended.
  std::unique_ptr<store::Queue::ImportSession> session;
  if (auto begun = queue.begin_import(batch_description(paths)); begun) {
    session = std::move(*begun);
  } else {
    store_failure = begun.error();
    reading.stop_taking();
  }
  while (session && !store_failure) {
    auto chunk = reading.next();
    if (!chunk) break;
    if (Status added = session->add_all(chunk->jobs()); !added) {
      store_failure = Error{added.error().message + "; nothing was queued"};
      reading.stop_taking();
    }
    reading.give_back(std::move(*chunk));
  }
  reading.finish();

  JobFilesImport result;
  for (const auto& problem : reading.problems()) problems_out << problem.to_string() << '\n';
  result.problems = reading.problems().size();
  if (result.problems > 0) {
    result.queued = Error{fmt::format("the job files have {} problem(s)", result.problems)};
  } else if (reading.failure()) {
    result.queued = Error{reading.failure()->message + "; nothing was queued"};
  } else if (store_failure) {
    result.queued = *store_failure;
  } else {
    result.queued = session->commit();
  }
  return result;
}

}  // namespace oneall::cli
