/* assert |a - b| <= tol in double (cmocka 1.1's assert_float_equal is float only).
 * SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef LTR_TESTS_ANALYSIS_NEAR_H
#define LTR_TESTS_ANALYSIS_NEAR_H
#include <math.h>
#define assert_near(a, b, tol)                                                              \
    do {                                                                                    \
        double near_a_ = (a), near_b_ = (b), near_t_ = (tol);                               \
        if (!(fabs(near_a_ - near_b_) <= near_t_))                                          \
            fail_msg("%s = %.12g, expected %s = %.12g within %.3g", #a, near_a_, #b, near_b_, \
                     near_t_);                                                              \
    } while (0)
#endif
