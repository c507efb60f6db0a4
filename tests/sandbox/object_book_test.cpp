// ObjectBook: every object exists until deleted unless listed missing; a change already made
// is a repeat, not a second change; and it stays consistent under concurrent use.
#include "sandbox/object_book.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace oneall::sandbox {
namespace {

const std::string kBase = "/update/identities/2af20011-8965-471b-8f6b-8b66a611aae6";

Route route_of(const std::string& path) {
  const RouteMatch match = match_route(path);
  EXPECT_TRUE(std::holds_alternative<Route>(match)) << path;
  return std::holds_alternative<Route>(match) ? std::get<Route>(match) : Route{};
}

UpdateFields set(std::initializer_list<std::pair<std::string, std::string>> values) {
  UpdateFields fields;
  for (const auto& [name, value] : values) fields.push_back({name, value});
  return fields;
}

// One step of a scenario on a book: an operation on a path, and the change it must report.
struct Step {
  enum Op { kDelete, kUpdate } op;
  std::string path;
  UpdateFields fields;
  Change expected;
};

void play(ObjectBook& book, const std::vector<Step>& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const Route route = route_of(step.path);
    const Change got =
        step.op == Step::kDelete ? book.remove(route) : book.update(route, step.fields);
    EXPECT_EQ(got, step.expected) << "step " << i << " on " << step.path;
  }
}

const std::string kPin = kBase + "/pinterest/pin/1.json";
const std::string kPost = kBase + "/facebook/page/9/post/9_1.json";

TEST(ObjectBook, DeletesOnceThenRepeats) {
  ObjectBook book({});
  play(book, {
                 {Step::kDelete, kPin, {}, Change::kApplied},
                 {Step::kDelete, kPin, {}, Change::kRepeated},
                 {Step::kDelete, kPin, {}, Change::kRepeated},
                 {Step::kUpdate, kPin, set({{"link", R"("x")"}}), Change::kNotFound},
                 // The same id under another target, page or identity is another object.
                 {Step::kDelete, kBase + "/twitter/post/1.json", {}, Change::kApplied},
                 {Step::kDelete, kBase + "/facebook/page/9/picture/1.json", {}, Change::kApplied},
                 {Step::kDelete, kBase + "/facebook/page/8/picture/1.json", {}, Change::kApplied},
                 {Step::kDelete,
                  "/update/identities/00000000-0000-0000-0000-000000000000/pinterest/pin/1.json",
                  {},
                  Change::kApplied},
             });
}

TEST(ObjectBook, MissingObjectsAreNeverThere) {
  ObjectBook book({"gone", "9_2"});
  play(book, {
                 {Step::kDelete, kBase + "/pinterest/pin/gone.json", {}, Change::kNotFound},
                 {Step::kDelete, kBase + "/pinterest/pin/gone.json", {}, Change::kNotFound},
                 {Step::kUpdate, kBase + "/pinterest/pin/gone.json", set({{"link", R"("x")"}}),
                  Change::kNotFound},
                 {Step::kDelete, kBase + "/twitter/post/gone.json", {}, Change::kNotFound},
                 {Step::kUpdate, kBase + "/facebook/page/9/post/9_2.json",
                  set({{"message", R"("m")"}}), Change::kNotFound},
                 {Step::kDelete, kBase + "/pinterest/pin/gone2.json", {}, Change::kApplied},
             });
}

TEST(ObjectBook, AnUpdateThatChangesNothingIsARepeat) {
  ObjectBook book({});
  play(book,
       {
           {Step::kUpdate, kPin, set({{"link", R"("a")"}}), Change::kApplied},
           {Step::kUpdate, kPin, set({{"link", R"("a")"}}), Change::kRepeated},
           {Step::kUpdate, kPin, set({{"link", R"("b")"}}), Change::kApplied},
           {Step::kUpdate, kPin, set({{"board", R"("p")"}}), Change::kApplied},
           // Both fields already hold these values.
           {Step::kUpdate, kPin, set({{"board", R"("p")"}, {"link", R"("b")"}}), Change::kRepeated},
           // One of two fields changes: a change.
           {Step::kUpdate, kPin, set({{"board", R"("p")"}, {"link", R"("c")"}}), Change::kApplied},
           {Step::kUpdate, kPost, set({{"attachments", "[1,2]"}}), Change::kApplied},
           {Step::kUpdate, kPost, set({{"attachments", "[1,2]"}}), Change::kRepeated},
           {Step::kUpdate, kPost, set({{"attachments", "[2,1]"}}), Change::kApplied},
           // A deleted object cannot be updated, and stays deleted.
           {Step::kDelete, kPin, {}, Change::kApplied},
           {Step::kUpdate, kPin, set({{"link", R"("c")"}}), Change::kNotFound},
           {Step::kDelete, kPin, {}, Change::kRepeated},
       });
}

TEST(ObjectBook, ConcurrentDeletesOfOneObjectApplyExactlyOnce) {
  ObjectBook book({});
  const Route route = route_of(kBase + "/twitter/post/42.json");
  std::atomic<int> applied{0}, repeated{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        const Change change = book.remove(route);
        if (change == Change::kApplied) ++applied;
        if (change == Change::kRepeated) ++repeated;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(repeated.load(), 799);
}

}  // namespace
}  // namespace oneall::sandbox
