// Whether this test build runs under ThreadSanitizer (ONEALL_TSAN, README "Building and
// testing"). TSan slows every memory access several times over, so the few tests that bound how
// fast the sandbox answers take a looser bound under it: one that still tells the bug they guard
// (a latency applied twice, requests served one at a time) from a slow build.
#pragma once

namespace oneall::testing {

#if defined(__SANITIZE_THREAD__)  // g++; clang says it with __has_feature
inline constexpr bool kThreadSanitizer = true;
#elif defined(__has_feature)
inline constexpr bool kThreadSanitizer = __has_feature(thread_sanitizer);
#else
inline constexpr bool kThreadSanitizer = false;
#endif

}  // namespace oneall::testing
