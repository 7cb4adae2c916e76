/*
 * Status strings and version (libltr core).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "ltr/ltr.h"

#define LTR_STR2(x) #x
#define LTR_STR(x) LTR_STR2(x)

const char *ltr_version_string(void)
{
    return LTR_STR(LTR_VERSION_MAJOR) "." LTR_STR(LTR_VERSION_MINOR) "." LTR_STR(LTR_VERSION_PATCH);
}

const char *ltr_status_string(ltr_status status)
{
    switch (status) {
    case LTR_OK: return "success";
    case LTR_MORE_EVENTS: return "more events are waiting: call again";
    case LTR_ERR_NULL: return "a required pointer argument is NULL";
    case LTR_ERR_SAMPLE_RATE: return "sample rate is not finite or outside 250 Hz - 50 kHz";
    case LTR_ERR_CHANNELS: return "channel count is 0 or above LTR_MAX_CHANNELS (32)";
    case LTR_ERR_SENSOR: return "a channel's sensor is not LTR_SENSOR_EMG or LTR_SENSOR_ACC";
    case LTR_ERR_MAINS: return "mains frequency is not LTR_MAINS_AUTO, 0, 50 or 60 Hz, or the harmonics/width are out of range";
    case LTR_ERR_BAND: return "a filter band edge is not finite, low >= high, or high is too close to Nyquist";
    case LTR_ERR_THRESHOLD: return "thresholds are not finite, on <= 0 dB, or off is above on";
    case LTR_ERR_TIMING: return "a time setting is negative, not finite, or inconsistent (confirm <= min <= max duration)";
    case LTR_ERR_MEMORY: return "memory block too small or misaligned, or allocation failed";
    case LTR_ERR_ARGUMENT: return "invalid argument";
    case LTR_ERR_EVENT_OVERFLOW: return "events were lost: the event array was too small for too long";
    case LTR_ERR_TOO_MANY_MARKS: return "too many marks are waiting for their frame";
    case LTR_ERR_ENVELOPE: return "unknown envelope kind";
    case LTR_ERR_UNSUPPORTED: return "this build of libltr leaves the feature out (ecg_cancel: built with -Decg=false)";
    case LTR_ERR_VERSION: return "the configuration's struct_size is not this library's: fill it with ltr_config_default()";
    }
    return "unknown status";
}
