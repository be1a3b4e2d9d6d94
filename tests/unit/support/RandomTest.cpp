// Tests of randomNumber: numbers differ from call to call and from thread to thread, and every bit
// takes both values (a constant, a counter or a 32-bit source would fail).
#include "support/Random.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <thread>

using nemo::support::randomNumber;

TEST_CASE("randomNumber: 1,000 draws are distinct and use all 64 bits", "[support]") {
  std::set<std::uint64_t> seen;
  std::uint64_t ones = 0, zeros = 0;
  for (int i = 0; i < 1000; ++i) {
    auto value = randomNumber();
    seen.insert(value);
    ones |= value;
    zeros |= ~value;
  }
  CHECK(seen.size() == 1000);
  CHECK(ones == ~std::uint64_t{0});
  CHECK(zeros == ~std::uint64_t{0});
}

TEST_CASE("randomNumber: two threads get different numbers", "[support]") {
  std::uint64_t a = 0, b = 0;
  std::thread first([&] { a = randomNumber(); });
  std::thread second([&] { b = randomNumber(); });
  first.join();
  second.join();
  CHECK(a != b);
}
