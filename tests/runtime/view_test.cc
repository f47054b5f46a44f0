// SPDX-License-Identifier: MIT
// Pixel addressing of msf_view windows (runtime/src/msf_view_internal.h).
#include <gtest/gtest.h>

#include <vector>

#include "../../runtime/src/msf_view_internal.h"

namespace {

TEST(RuntimeView, ModIsNonNegative) {
  EXPECT_EQ(0, msf_mod(0, 3));
  EXPECT_EQ(2, msf_mod(-1, 3));
  EXPECT_EQ(1, msf_mod(-2, 3));
  EXPECT_EQ(0, msf_mod(-3, 3));
  EXPECT_EQ(2, msf_mod(-4, 3));
  EXPECT_EQ(1, msf_mod(7, 3));
  EXPECT_EQ(0, msf_mod(-5, 1));
}

TEST(RuntimeView, Addressing) {
  std::vector<int8_t> buf(4 * 5 * 2);
  msf_view plain{buf.data(), 10, 20, 4, 5, 2, 0, 0};
  EXPECT_EQ(buf.data(), msf_view_pixel(&plain, 10, 20));
  EXPECT_EQ(buf.data() + (1 * 5 + 2) * 2, msf_view_pixel(&plain, 11, 22));
  msf_view ring{buf.data(), 0, 0, 4, 5, 2, 1, 1};
  EXPECT_EQ(buf.data() + (1 * 5 + 3) * 2, msf_view_pixel(&ring, 9, 13));
  EXPECT_EQ(buf.data() + (3 * 5 + 4) * 2, msf_view_pixel(&ring, -1, -1));
  // Ring in y only, offset in x.
  msf_view mixed{buf.data(), 0, 7, 4, 5, 2, 1, 0};
  EXPECT_EQ(buf.data() + (2 * 5 + 1) * 2, msf_view_pixel(&mixed, 6, 8));
}

TEST(RuntimeView, AsrAndWrapHelpers) {
  EXPECT_EQ(-1, msf_asr32(-1, 5));
  EXPECT_EQ(-2, msf_asr32(-3, 1));
  EXPECT_EQ(1, msf_asr32(3, 1));
  EXPECT_EQ(INT32_MIN, msf_wrap_shl(1, 31));
  EXPECT_EQ(INT32_MIN, msf_wrap_add(INT32_MAX, 1));
  EXPECT_EQ(int64_t{-3}, msf_asr64(-5, 1));
}

}  // namespace
