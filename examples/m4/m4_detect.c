/*
 * m4_detect: libltr on a bare Cortex-M4F, run in QEMU (mps2-an386).
 *
 * The detector lives in static memory (ltr_detector_size + ltr_detector_init,
 * no malloc in the core), the "ADC" is a recording embedded in the program
 * (recording.S), fed in 32-frame blocks as a DMA would deliver them. The
 * events are kept in a static array while the stream runs and printed through
 * semihosting afterwards, so that printing does not disturb the count of
 * instructions spent in ltr_detector_process.
 *
 * Time is read from SysTick on the CPU clock. Under `qemu-system-arm -icount
 * shift=0` each guest instruction advances the virtual clock by 1 ns, so the
 * 25 MHz clock of the board (Arm AN386) ticks once per 40 instructions: a
 * count of instructions, not of cycles (a real M4 spends 1-3 cycles on most
 * of them, more on divisions and double-precision library calls). A loop
 * of known length calibrates the ratio instead of trusting it.
 *
 * Output, one line each (tests/m4/m4.py reads it):
 *   m4 event KIND id ID onset F peak F offset F detected F flags 0xX
 *   m4 stat NAME VALUE
 *   m4 done
 *
 * Build: meson setup build-m4 --cross-file cross/cortex-m4f.ini -Dcore_only=true
 *        -Dm4_recording=/abs/path/rec.f32 (see README, "Device makers").
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdio.h>

#include "ltr/ltr.h"
#include "m4.h"

#ifndef M4_RATE_HZ
#define M4_RATE_HZ 2000.0
#endif
#ifndef M4_MAINS_HZ
#define M4_MAINS_HZ 50.0
#endif
#define BLOCK 32
#define MAX_EVENTS 512

extern const float m4_recording[];
extern const unsigned char m4_recording_end[];

/* 16 KiB: today's one-channel detector needs about 7 KiB (checked at run time). */
static _Alignas(LTR_DETECTOR_ALIGN) unsigned char detector_memory[16384];
static ltr_event events[MAX_EVENTS];
static size_t n_kept, n_dropped;

void m4_exit(int status)
{
    fflush(stdout);
    /* SYS_EXIT (0x18, Arm "Semihosting for AArch32 and AArch64", 5.5): on
     * AArch32 it takes a reason, not a status; QEMU exits with 0 for
     * ADP_Stopped_ApplicationExit and with 1 for any other reason. */
    register uint32_t op __asm("r0") = 0x18u;
    register uint32_t reason __asm("r1") = status == 0 ? 0x20026u  /* ApplicationExit */
                                                       : 0x20023u; /* RunTimeErrorUnknown */
    __asm volatile("bkpt 0xAB" : "+r"(op) : "r"(reason) : "memory");
    for (;;)
        ;
}

void m4_fail(const char *what)
{
    printf("m4 fail %s\n", what);
    m4_exit(1);
}

static void systick_start(void)
{
    M4_REG(M4_SYST_RVR) = 0x00FFFFFFu; /* the full 24 bits */
    M4_REG(M4_SYST_CVR) = 0u;
    M4_REG(M4_SYST_CSR) = 7u; /* enable, interrupt on wrap, processor clock */
    /* The counter reads 0 until its first reload: wait for it, so that the
     * first reading is not taken for a full period. */
    while (M4_REG(M4_SYST_CVR) == 0u)
        ;
}

/*
 * Ticks since systick_start: wraps * 2^24 + the down-counter's progress.
 * Between the counter's reload and its interrupt a reading would fall back by
 * one period: time never runs backwards, so such a reading gets the pending
 * wrap added (every interval measured here is far shorter than a period,
 * 2^24 ticks = 671 ms at 25 MHz).
 */
static uint64_t ticks(void)
{
    static uint64_t last;
    uint32_t w, v;
    do {
        w = m4_systick_wraps;
        v = M4_REG(M4_SYST_CVR);
    } while (w != m4_systick_wraps);
    uint64_t t = ((uint64_t)w << 24) + (0x00FFFFFFu - v);
    if (t < last)
        t += 1ull << 24;
    last = t;
    return t;
}

/* n iterations of two instructions (subs, bne) */
static void spin(uint32_t n)
{
    __asm volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

static void keep(const ltr_event *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (n_kept < MAX_EVENTS)
            events[n_kept++] = ev[i];
        else
            n_dropped++;
    }
}

static size_t detector_bytes(unsigned n_channels)
{
    ltr_config cfg;
    if (ltr_config_default(&cfg, M4_RATE_HZ, n_channels, NULL) != LTR_OK)
        return 0;
    cfg.mains_hz = M4_MAINS_HZ;
    return ltr_detector_size(&cfg);
}

int main(void)
{
    systick_start();

    /* calibration: two loop lengths, so that the call and read overheads cancel */
    const uint32_t n1 = 1000000u, n2 = 3000000u;
    uint64_t t0 = ticks();
    spin(n1);
    uint64_t t1 = ticks();
    spin(n2);
    uint64_t t2 = ticks();
    const uint64_t calib_instructions = 2ull * (n2 - n1);
    const int64_t calib_ticks = (int64_t)(t2 - t1) - (int64_t)(t1 - t0);

    ltr_config cfg;
    ltr_status st = ltr_config_default(&cfg, M4_RATE_HZ, 1, NULL);
    if (st != LTR_OK)
        m4_fail(ltr_status_string(st));
    cfg.mains_hz = M4_MAINS_HZ; /* the recording's sidecar says 50 Hz, as `ltr detect` reads it */
    if (ltr_detector_size(&cfg) > sizeof detector_memory)
        m4_fail("detector_memory is too small for this configuration");
    ltr_detector *det;
    st = ltr_detector_init(&det, detector_memory, sizeof detector_memory, &cfg);
    if (st != LTR_OK)
        m4_fail(ltr_status_string(st));

    const size_t n_frames = (size_t)(m4_recording_end - (const unsigned char *)m4_recording) /
                            sizeof(float);
    ltr_event block_events[64];
    if (ltr_detector_max_events(det, BLOCK) > sizeof block_events / sizeof block_events[0])
        m4_fail("block_events is too small");

    uint64_t process_ticks = 0, worst_block_ticks = 0;
    for (size_t i = 0; i < n_frames; i += BLOCK) {
        const size_t n = n_frames - i < BLOCK ? n_frames - i : BLOCK;
        size_t got = 0;
        const uint64_t a = ticks();
        st = ltr_detector_process(det, m4_recording + i, n, block_events, 64, &got);
        const uint64_t b = ticks();
        if (st < 0)
            m4_fail(ltr_status_string(st));
        process_ticks += b - a;
        if (b - a > worst_block_ticks)
            worst_block_ticks = b - a;
        keep(block_events, got);
    }
    do {
        size_t got = 0;
        st = ltr_detector_flush(det, block_events, 64, &got);
        if (st < 0)
            m4_fail(ltr_status_string(st));
        keep(block_events, got);
    } while (st == LTR_MORE_EVENTS);

    static const char *const kinds[] = {"?", "BEGIN", "END", "CANCEL", "ARTIFACT"};
    for (size_t i = 0; i < n_kept; i++) {
        const ltr_event *e = &events[i];
        printf("m4 event %s id %lu onset %llu peak %llu offset %llu detected %llu flags 0x%lx\n",
               kinds[e->kind <= 4 ? e->kind : 0], (unsigned long)e->id,
               (unsigned long long)e->onset, (unsigned long long)e->peak,
               (unsigned long long)e->offset, (unsigned long long)e->detected,
               (unsigned long)e->flags);
    }
    printf("m4 stat frames %lu\n", (unsigned long)n_frames);
    printf("m4 stat block_frames %d\n", BLOCK);
    printf("m4 stat rate_hz %.0f\n", M4_RATE_HZ);
    printf("m4 stat events_dropped %lu\n", (unsigned long)n_dropped);
    printf("m4 stat detector_bytes_1ch %lu\n", (unsigned long)detector_bytes(1));
    printf("m4 stat detector_bytes_2ch %lu\n", (unsigned long)detector_bytes(2));
    printf("m4 stat detector_bytes_4ch %lu\n", (unsigned long)detector_bytes(4));
    printf("m4 stat calib_instructions %llu\n", (unsigned long long)calib_instructions);
    printf("m4 stat calib_ticks %lld\n", (long long)calib_ticks);
    printf("m4 stat process_ticks %llu\n", (unsigned long long)process_ticks);
    printf("m4 stat worst_block_ticks %llu\n", (unsigned long long)worst_block_ticks);
    printf("m4 done\n");
    return 0;
}
