/* ===================== LIMITS: the detector on real recordings =====================
 * Rows of the limits table in real_data.c (included inside its initialiser).
 * {recording, metric, AT_LEAST or AT_MOST, limit}: today's values with a margin
 * (detection rate rounded down to 0.05; p95 |onset error| and median BEGIN latency
 * up to the next whole ms; rates per minute +20% or +1 event, rounded up to 0.1).
 * To update after a change of the detector, print today's rows and paste them here:
 *     build/tests/real/ltr-real-data ../shared/data --print
 * (the rows come first, then the Markdown report for README.md).
 * ==================================================================================== */
{"mep ID01",                            "detection_rate",           AT_LEAST,   0.95}, /* today 0.980 */
{"mep ID01",                            "onset_err_abs_p95_ms",     AT_MOST,    2.00}, /* today 1.417 */
{"mep ID01",                            "begin_latency_median_ms",  AT_MOST,   18.00}, /* today 17.683 */
{"mep ID01",                            "other_per_min",            AT_MOST,    1.10}, /* today 0.690 */
{"mep ID02",                            "detection_rate",           AT_LEAST,   0.95}, /* today 0.950 */
{"mep ID02",                            "onset_err_abs_p95_ms",     AT_MOST,    5.00}, /* today 4.193 */
{"mep ID02",                            "begin_latency_median_ms",  AT_MOST,   17.00}, /* today 16.522 */
{"mep ID02",                            "other_per_min",            AT_MOST,    4.70}, /* today 2.319 */
{"mep ID03",                            "detection_rate",           AT_LEAST,   1.00}, /* today 1.000 */
{"mep ID03",                            "onset_err_abs_p95_ms",     AT_MOST,    4.00}, /* today 3.437 */
{"mep ID03",                            "begin_latency_median_ms",  AT_MOST,   19.00}, /* today 18.457 */
{"mep ID03",                            "other_per_min",            AT_MOST,    1.90}, /* today 1.257 */
{"mep ID04",                            "detection_rate",           AT_LEAST,   0.90}, /* today 0.900 */
{"mep ID04",                            "onset_err_abs_p95_ms",     AT_MOST,    3.00}, /* today 2.064 */
{"mep ID04",                            "begin_latency_median_ms",  AT_MOST,   18.00}, /* today 17.853 */
{"mep ID04",                            "other_per_min",            AT_MOST,    7.60}, /* today 5.027 */
{"mep ID05",                            "detection_rate",           AT_LEAST,   0.95}, /* today 0.950 */
{"mep ID05",                            "onset_err_abs_p95_ms",     AT_MOST,    5.00}, /* today 4.259 */
{"mep ID05",                            "begin_latency_median_ms",  AT_MOST,   20.00}, /* today 19.654 */
{"mep ID05",                            "other_per_min",            AT_MOST,    5.10}, /* today 2.513 */
{"mep ID06",                            "detection_rate",           AT_LEAST,   0.85}, /* today 0.895 */
{"mep ID06",                            "onset_err_abs_p95_ms",     AT_MOST,    3.00}, /* today 2.080 */
{"mep ID06",                            "begin_latency_median_ms",  AT_MOST,   17.00}, /* today 16.924 */
{"mep ID06",                            "other_per_min",            AT_MOST,    7.60}, /* today 5.027 */
{"mep ID10_1",                          "detection_rate",           AT_LEAST,   0.95}, /* today 0.964 */
{"mep ID10_1",                          "onset_err_abs_p95_ms",     AT_MOST,    2.00}, /* today 1.345 */
{"mep ID10_1",                          "begin_latency_median_ms",  AT_MOST,   16.00}, /* today 15.667 */
{"mep ID10_1",                          "other_per_min",            AT_MOST,    2.30}, /* today 1.499 */
{"mep all",                             "detection_rate",           AT_LEAST,   0.95}, /* today 0.970 */
{"mep all",                             "onset_err_abs_p95_ms",     AT_MOST,    3.00}, /* today 2.652 */
{"mep all",                             "begin_latency_median_ms",  AT_MOST,   18.00}, /* today 17.583 */
{"mep all",                             "other_per_min",            AT_MOST,    2.00}, /* today 1.611 */
{"biosppy/emg.txt",                     "twitches_per_min",         AT_MOST,    6.50}, /* today 5.400 */
{"emggo/ecg_contaminated.csv ch1",      "twitches_per_min",         AT_MOST,   50.60}, /* today 42.164 */
{"emggo/ecg_contaminated.csv ch1",      "on_qrs_per_min",           AT_MOST,   21.70}, /* today 18.070 */
{"emggo/ecg_contaminated.csv ch2",      "twitches_per_min",         AT_MOST,   54.30}, /* today 45.175 */
{"emggo/ecg_contaminated.csv ch2",      "on_qrs_per_min",           AT_MOST,   25.30}, /* today 21.082 */
{"emggo/ecg_contaminated.csv ch3",      "twitches_per_min",         AT_MOST,   54.30}, /* today 45.175 */
{"emggo/ecg_contaminated.csv ch3",      "on_qrs_per_min",           AT_MOST,   25.30}, /* today 21.082 */
{"emggo/ecg_contaminated.csv ch4",      "twitches_per_min",         AT_MOST,   50.60}, /* today 42.164 */
{"emggo/ecg_contaminated.csv ch4",      "on_qrs_per_min",           AT_MOST,   29.00}, /* today 24.094 */
{"emggo/ecg_contaminated.csv ch5",      "twitches_per_min",         AT_MOST,   39.80}, /* today 33.129 */
{"emggo/ecg_contaminated.csv ch5",      "on_qrs_per_min",           AT_MOST,   21.70}, /* today 18.070 */
{"emggo/ecg_contaminated.csv ch6",      "twitches_per_min",         AT_MOST,   43.40}, /* today 36.140 */
{"emggo/ecg_contaminated.csv ch6",      "on_qrs_per_min",           AT_MOST,   21.70}, /* today 18.070 */
{"emggo/ecg_contaminated.csv ch7",      "twitches_per_min",         AT_MOST,   54.30}, /* today 45.175 */
{"emggo/ecg_contaminated.csv ch7",      "on_qrs_per_min",           AT_MOST,   29.00}, /* today 24.094 */
{"emggo/ecg_contaminated.csv ch8",      "twitches_per_min",         AT_MOST,   50.60}, /* today 42.164 */
{"emggo/ecg_contaminated.csv ch8",      "on_qrs_per_min",           AT_MOST,   29.00}, /* today 24.094 */
{"physionet-emgdb/emg_healthy",         "twitches_per_min",         AT_MOST,   23.60}, /* today 18.875 */
{"physionet-emgdb/emg_myopathy",        "twitches_per_min",         AT_MOST,    4.40}, /* today 2.175 */
{"physionet-emgdb/emg_neuropathy",      "twitches_per_min",         AT_MOST,    4.90}, /* today 3.246 */
{"biosppy/emg_1.txt",                   "twitches_per_min",         AT_MOST,    9.10}, /* today 7.514 */
{"kineticstoolkit-emg/emg_biceps_brachii.csv", "twitches_per_min",         AT_MOST,   35.40}, /* today 17.685 */
{"emggo/sample_data.csv",               "twitches_per_min",         AT_MOST,   38.00}, /* today 31.655 */
{"emggo/sample_data.csv",               "on_qrs_per_min",           AT_MOST,   33.10}, /* today 27.507 */
{"uci-emg-gestures ch1",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch2",                "twitches_per_min",         AT_MOST,    1.90}, /* today 0.914 */
{"uci-emg-gestures ch3",                "twitches_per_min",         AT_MOST,    2.80}, /* today 1.828 */
{"uci-emg-gestures ch4",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch5",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch6",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch7",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
{"uci-emg-gestures ch8",                "twitches_per_min",         AT_MOST,    1.00}, /* today 0.000 */
