/* ===================== LIMITS: the detector on real recordings =====================
 * Rows of the limits table in real_data.c (included inside its initialiser).
 * {recording, metric, AT_LEAST or AT_MOST, limit}: today's values with a margin
 * (detection rate rounded down to 0.05; p95 |onset error| and median BEGIN latency
 * up to the next whole ms; rates per minute +20% or +1 event, rounded up to 0.1).
 * To update after a change of the detector, print today's rows and paste them here:
 *     build/tests/real/ltr-real-data ../shared/data --print
 * (the rows come first, then the Markdown report for README.md).
 * ==================================================================================== */
{"mep ID01",                            "detection_rate",           AT_LEAST,   0.95}, /* today 0.961 */
{"mep ID01",                            "onset_err_abs_p95_ms",     AT_MOST,    3.00}, /* today 2.000 */
{"mep ID01",                            "begin_latency_median_ms",  AT_MOST,   18.00}, /* today 17.699 */
{"mep ID01",                            "other_per_min",            AT_MOST,    2.10}, /* today 1.726 */
{"mep ID02",                            "detection_rate",           AT_LEAST,   0.95}, /* today 0.950 */
{"mep ID02",                            "onset_err_abs_p95_ms",     AT_MOST,    5.00}, /* today 4.193 */
{"mep ID02",                            "begin_latency_median_ms",  AT_MOST,   17.00}, /* today 16.323 */
{"mep ID02",                            "other_per_min",            AT_MOST,    4.70}, /* today 2.319 */
{"mep ID03",                            "detection_rate",           AT_LEAST,   0.95}, /* today 0.974 */
{"mep ID03",                            "onset_err_abs_p95_ms",     AT_MOST,    4.00}, /* today 3.592 */
{"mep ID03",                            "begin_latency_median_ms",  AT_MOST,   19.00}, /* today 18.473 */
{"mep ID03",                            "other_per_min",            AT_MOST,    3.20}, /* today 2.513 */
{"mep ID04",                            "detection_rate",           AT_LEAST,   0.85}, /* today 0.850 */
{"mep ID04",                            "onset_err_abs_p95_ms",     AT_MOST,    4.00}, /* today 3.234 (trial 12: its TMS artifact, an exponential, is judged an electrode step and subtracted; the signal leaves it at 31 ms, where the MEP now begins; reference 39.7 ms, 12/2026) */
{"mep ID04",                            "begin_latency_median_ms",  AT_MOST,   19.00}, /* today 18.521 */
{"mep ID04",                            "other_per_min",            AT_MOST,   10.10}, /* today 7.540 */
{"mep ID05",                            "detection_rate",           AT_LEAST,   0.90}, /* today 0.900 (one MEP of 20 lost to the CFAR bias correction + scan local reference together, 12/2026) */
{"mep ID05",                            "onset_err_abs_p95_ms",     AT_MOST,    5.00}, /* today 4.259 */
{"mep ID05",                            "begin_latency_median_ms",  AT_MOST,   20.00}, /* today 19.321 */
{"mep ID05",                            "other_per_min",            AT_MOST,    5.10}, /* today 2.513 */
{"mep ID06",                            "detection_rate",           AT_LEAST,   0.90}, /* today 0.947 */
{"mep ID06",                            "onset_err_abs_p95_ms",     AT_MOST,    3.00}, /* today 2.311 */
{"mep ID06",                            "begin_latency_median_ms",  AT_MOST,   19.00}, /* today 18.424 */
{"mep ID06",                            "other_per_min",            AT_MOST,    5.10}, /* today 2.513 */
{"mep ID10_1",                          "detection_rate",           AT_LEAST,   0.85}, /* today 0.891 */
{"mep ID10_1",                          "onset_err_abs_p95_ms",     AT_MOST,    2.00}, /* today 1.558 */
{"mep ID10_1",                          "begin_latency_median_ms",  AT_MOST,   17.00}, /* today 16.301 */
{"mep ID10_1",                          "other_per_min",            AT_MOST,    9.00}, /* today 7.495 */
{"mep all",                             "detection_rate",           AT_LEAST,   0.90}, /* today 0.945 */
{"mep all",                             "onset_err_abs_p95_ms",     AT_MOST,    4.00}, /* today 3.088 */
{"mep all",                             "begin_latency_median_ms",  AT_MOST,   18.00}, /* today 17.588 */
{"mep all",                             "other_per_min",            AT_MOST,    4.10}, /* today 3.357 */
{"biosppy/emg.txt",                     "twitches_per_min",         AT_MOST,    5.80}, /* today 4.800 */
{"emggo/ecg_contaminated.csv ch1",      "twitches_per_min",         AT_MOST,   39.80}, /* today 33.129: the search-back (ecg.c) adds the bursts at 5.6, 7.3 and 18.5 s that ch2-ch8 see too, not on a QRS */
{"emggo/ecg_contaminated.csv ch1",      "on_qrs_per_min",           AT_MOST,   21.70}, /* today 18.070 */
{"emggo/ecg_contaminated.csv ch2",      "twitches_per_min",         AT_MOST,   36.20}, /* today 30.117 (LTR_ECG_AUTO: two bursts at 16.7 and 18.5 s that ch3-ch8 show too come out once the QRS is cancelled) */
{"emggo/ecg_contaminated.csv ch2",      "on_qrs_per_min",           AT_MOST,   18.10}, /* today 15.058 */
{"emggo/ecg_contaminated.csv ch3",      "twitches_per_min",         AT_MOST,   39.80}, /* today 33.129 */
{"emggo/ecg_contaminated.csv ch3",      "on_qrs_per_min",           AT_MOST,   21.70}, /* today 18.070 */
{"emggo/ecg_contaminated.csv ch4",      "twitches_per_min",         AT_MOST,   32.60}, /* today 27.105 */
{"emggo/ecg_contaminated.csv ch4",      "on_qrs_per_min",           AT_MOST,   21.70}, /* today 18.070 */
{"emggo/ecg_contaminated.csv ch5",      "twitches_per_min",         AT_MOST,   36.20}, /* today 30.117 */
{"emggo/ecg_contaminated.csv ch5",      "on_qrs_per_min",           AT_MOST,   21.70}, /* today 18.070 */
{"emggo/ecg_contaminated.csv ch6",      "twitches_per_min",         AT_MOST,   25.30}, /* today 21.082 */
{"emggo/ecg_contaminated.csv ch6",      "on_qrs_per_min",           AT_MOST,   12.10}, /* today 9.035 */
{"emggo/ecg_contaminated.csv ch7",      "twitches_per_min",         AT_MOST,   32.60}, /* today 27.105 */
{"emggo/ecg_contaminated.csv ch7",      "on_qrs_per_min",           AT_MOST,   21.70}, /* today 18.070 */
{"emggo/ecg_contaminated.csv ch8",      "twitches_per_min",         AT_MOST,   25.30}, /* today 21.082 */
{"emggo/ecg_contaminated.csv ch8",      "on_qrs_per_min",           AT_MOST,   18.10}, /* today 15.058 */
{"physionet-emgdb/emg_healthy",         "twitches_per_min",         AT_MOST,   18.90}, /* today 14.157 */
{"physionet-emgdb/emg_myopathy",        "twitches_per_min",         AT_MOST,    2.20}, /* today 0.000 */
{"physionet-emgdb/emg_neuropathy",      "twitches_per_min",         AT_MOST,    1.70}, /* today 0.000 */
{"biosppy/emg_1.txt",                   "twitches_per_min",         AT_MOST,   10.20}, /* today 8.453 */
{"kineticstoolkit-emg/emg_biceps_brachii.csv", "twitches_per_min",         AT_MOST,  169.80}, /* today 141.482 */
{"emggo/sample_data.csv",               "twitches_per_min",         AT_MOST,   28.50}, /* today 23.687 */
{"emggo/sample_data.csv",               "on_qrs_per_min",           AT_MOST,   19.70}, /* today 16.373 */
{"uci-emg-gestures ch1",                "twitches_per_min",         AT_MOST,    1.90}, /* today 0.914 */
{"uci-emg-gestures ch2",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch3",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch4",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch5",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch6",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch7",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch8",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
