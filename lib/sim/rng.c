/*
 * Random numbers for the simulator: xoshiro256** (Blackman & Vigna 2018,
 * public-domain reference algorithm) seeded through splitmix64, Gaussian
 * deviates by Box-Muller. No global state: every stream lives in its owner.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim_internal.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t next_u64(ltrs_rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5u, 7) * 9u;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

void ltrs_rng_seed(ltrs_rng *rng, uint64_t seed, uint64_t stream, uint64_t index)
{
    /* Mix the three words through splitmix64 so that neighbouring seeds,
     * streams and indices give unrelated states. */
    uint64_t x = seed;
    uint64_t h = splitmix64(&x);
    x = h ^ (stream * UINT64_C(0xd1b54a32d192ed03));
    h = splitmix64(&x);
    x = h ^ (index * UINT64_C(0x8cb92ba72f3d8dd7));
    for (int i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
    if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
        rng->s[0] = 1; /* the all-zero state is the one invalid state */
    rng->spare = 0.0;
    rng->has_spare = 0;
}

double ltrs_uniform(ltrs_rng *rng)
{
    return (double)(next_u64(rng) >> 11) * 0x1.0p-53;
}

double ltrs_gauss(ltrs_rng *rng)
{
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare;
    }
    double u1 = ltrs_uniform(rng);
    const double u2 = ltrs_uniform(rng);
    if (u1 < 1e-300)
        u1 = 1e-300;
    const double r = sqrt(-2.0 * log(u1));
    rng->spare = r * sin(LTRS_TWO_PI * u2);
    rng->has_spare = 1;
    return r * cos(LTRS_TWO_PI * u2);
}

double ltrs_range(ltrs_rng *rng, ltr_sim_range r)
{
    return r.min + (r.max - r.min) * ltrs_uniform(rng);
}

double ltrs_logrange(ltrs_rng *rng, ltr_sim_range r)
{
    if (!(r.min > 0.0) || !(r.max > 0.0))
        return ltrs_range(rng, r);
    return r.min * exp(log(r.max / r.min) * ltrs_uniform(rng));
}

double ltrs_exponential(ltrs_rng *rng, double mean)
{
    return -mean * log(1.0 - ltrs_uniform(rng));
}

unsigned ltrs_irange(ltrs_rng *rng, ltr_sim_range r)
{
    const double lo = floor(r.min + 0.5);
    const double hi = floor(r.max + 0.5);
    double v = lo + floor((hi - lo + 1.0) * ltrs_uniform(rng));
    if (v > hi)
        v = hi;
    return v < 0.0 ? 0u : (unsigned)v;
}

void ltrs_unit_vector(ltrs_rng *rng, double v[3])
{
    /* Uniform on the sphere: z uniform in [-1, 1], azimuth uniform. */
    const double z = 2.0 * ltrs_uniform(rng) - 1.0;
    const double phi = LTRS_TWO_PI * ltrs_uniform(rng);
    const double r = sqrt(fmax(0.0, 1.0 - z * z));
    v[0] = r * cos(phi);
    v[1] = r * sin(phi);
    v[2] = z;
}
