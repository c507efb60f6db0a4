// How the SQLite queue's connection sorts a lot of rows in bounded memory, for as long as one of
// these lives: an import (queue_import.cpp) and the figures that group the whole attempt log
// (queue_stats.cpp). The connection otherwise keeps temporary tables and sorts in memory and a
// larger page cache (sqlite_queue.cpp), which suits the small sorts of claims.
#pragma once

#include "store/sqlite.hpp"
#include "store/sqlite_queue.hpp"

namespace oneall::store {

// Spill files (a sort, the statement journal of statements that add thousands of rows) go to
// temporary files, so memory stays bounded whatever the number of rows. SQLite only changes
// this outside a transaction: make one before the transaction begins, end it after it ended.
class TempFilesOnDisk {
 public:
  explicit TempFilesOnDisk(Database& db) : db_(db) { db_.exec("PRAGMA temp_store=FILE"); }
  ~TempFilesOnDisk() {
    try {
      db_.exec("PRAGMA temp_store=MEMORY");
    } catch (const SqliteError&) {  // only slower claims if it stays on disk
    }
  }
  TempFilesOnDisk(const TempFilesOnDisk&) = delete;
  TempFilesOnDisk& operator=(const TempFilesOnDisk&) = delete;

 private:
  Database& db_;
};

// How a large sort runs (an import's keys and per-object index, the figures over the whole log):
// on this thread and one worker thread of SQLite's, each sorting half of the runs, so the other
// core helps (an import's commit: 0.3 s of 3 s). The sorter takes as much memory as the page
// cache may, per thread: a smaller cache while it sorts keeps the two within what one took.
class SortInBoundedMemory {
 public:
  explicit SortInBoundedMemory(Database& db) : db_(db) {
    db_.exec("PRAGMA cache_size = -4096; PRAGMA threads = 1");
  }
  ~SortInBoundedMemory() {
    try {
      db_.exec(kQueueCacheSize);
      db_.exec("PRAGMA threads = 0");
    } catch (const SqliteError&) {  // only a smaller cache, or a sorting thread, for the rest
    }
  }
  SortInBoundedMemory(const SortInBoundedMemory&) = delete;
  SortInBoundedMemory& operator=(const SortInBoundedMemory&) = delete;

 private:
  Database& db_;
};

}  // namespace oneall::store
