/*
 * libltr-io: recordings in, events out, for libltr.
 *
 * Copyright (c) 2026 The libltr authors. SPDX-License-Identifier: BSD-3-Clause
 *
 * A companion library of the real-time core (ltr/ltr.h), kept apart from it:
 * it links libsndfile (LGPL-2.1+), EDFlib (BSD-3) and Jansson (MIT), which a
 * device maker linking only libltr never needs.
 *
 * Reading
 * -------
 * A reader streams one recording as interleaved float frames, block by block,
 * in constant memory whatever the recording's length:
 *
 *     ltr_io_reader *r;
 *     ltr_io_error err;
 *     if (ltr_io_reader_open(&r, path, &opts, &err) != LTR_IO_OK) { puts(err.message); ... }
 *     ltr_io_reader_select(r, channels, n);      optional: which channels, in which order
 *     while (ltr_io_reader_read(r, buf, max, &n) == LTR_IO_OK && n > 0) { ... }
 *     ltr_io_reader_close(r);
 *
 * Formats: everything libsndfile reads (WAV, FLAC, AIFF, ...; integer
 * samples scaled to +-1 full scale); EDF, EDF+, BDF, BDF+ through EDFlib
 * (physical units; channels of different sample rates are reported, and
 * refused at read time unless the selection has one rate: never resampled
 * silently); CSV/TSV/whitespace-separated text (header or not, '#' comment
 * lines, a time column from which the rate is derived and its regularity
 * checked, or a given rate); raw interleaved f32le / s16le samples from a
 * file or a file descriptor (a pipe), returned as soon as they arrive; and
 * PhysioNet WFDB records (the .hea header; signal formats 16, 212, 80); and
 * MATLAB .mat files (v4, v5, v7.3) through matio when libltr-io is built with it
 * (see LTR_IO_FORMAT_MAT; loaded whole at open).
 *
 * Sidecars
 * --------
 * What each channel is (EMG, accelerometer axis, other) and the mains come
 * from the files beside a recording (data/'s FILE.json, BIDS *_emg.json and
 * *_channels.tsv) and from its own labels: ltr_io_sidecar_read, below.
 *
 * Writing
 * -------
 * Events go to BIDS-style events.tsv (onset and duration in seconds, then
 * libltr's columns), CSV, JSON Lines or MNE's annotation text, with a JSON
 * sidecar describing the columns. An EDF+/BDF+ writer (EDFlib) copies signals
 * with annotations (ltr_io_edf_writer_*); readers give an EDF+ file's own
 * annotations (ltr_io_reader_annotations). Files are written to a temporary name in the same directory and
 * renamed over the target only when complete (ltr_io_atomic_file), so a
 * reader never sees half a file.
 *
 * Conventions
 * -----------
 * - Every function returns an ltr_io_status (LTR_IO_OK = 0, errors < 0) unless
 *   it cannot fail; errors also leave a human-readable message (file name,
 *   line number, ...) in an ltr_io_error or in the object.
 * - The library never prints and never exits.
 * - Thread safety: an object is used by one thread at a time; distinct
 *   objects may be used on distinct threads (EDFlib's non-reentrant open and
 *   close are serialised internally).
 * - None of this is real-time safe: readers allocate at open and do I/O.
 */
#ifndef LTR_LTR_IO_H
#define LTR_LTR_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ltr/ltr.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * LTR_IO_API marks what libltr-io.so exports; its own macro, not the core's
 * LTR_API, because the two are separate libraries: a Windows DLL build of
 * libltr-io (LTR_IO_BUILDING_DLL) exports its functions while it imports
 * libltr's, and a symbol check can tell the two headers' exports apart.
 * Functions whose ltr_io_status must not be dropped also carry LTR_NODISCARD
 * (ltr.h): an ignored read error would look like the end of a recording.
 * Getters that fail only on a NULL argument (ltr_io_reader_info, ...) and
 * writers whose errors surface at ltr_io_atomic_commit are not marked.
 */
#if defined(_WIN32) && defined(LTR_IO_BUILDING_DLL)
#define LTR_IO_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define LTR_IO_API __attribute__((visibility("default")))
#else
#define LTR_IO_API
#endif

/** Status codes of libltr-io. Each error class maps to one exit code of the `ltr` tool. */
typedef enum ltr_io_status {
    LTR_IO_OK = 0,
    LTR_IO_ERR_ARGUMENT = -1, /**< a NULL pointer or an invalid option value (a programming error) */
    LTR_IO_ERR_OPEN = -2,     /**< the input does not exist or cannot be read (permissions, a directory) */
    LTR_IO_ERR_FORMAT = -3,   /**< unknown format, empty, truncated or corrupt file */
    LTR_IO_ERR_CHANNEL = -4,  /**< a selected channel or column does not exist, or too many channels */
    LTR_IO_ERR_RATE = -5,     /**< sample rate missing, absurd, irregular time column, mixed rates */
    LTR_IO_ERR_DATA = -6,     /**< a value is not a number (text, NaN, Inf) where a sample must be */
    LTR_IO_ERR_WRITE = -7,    /**< an output could not be written, flushed or renamed */
    LTR_IO_ERR_MEMORY = -8,   /**< allocation failed */
    LTR_IO_ERR_READ = -9      /**< an I/O error while reading an opened input */
} ltr_io_status;

/** A static English description of a status class. Never NULL. */
LTR_IO_API const char *ltr_io_status_string(ltr_io_status status);

/** Details of an error: a message naming the file and, for text, the line. */
typedef struct ltr_io_error {
    ltr_io_status status;
    uint64_t line;      /**< 1-based line of a text input the error is on, 0 if none */
    char message[512];  /**< e.g. "data.csv:12: column 3 (emg2): 'abc' is not a number" */
} ltr_io_error;

/** Input formats. */
typedef enum ltr_io_format {
    LTR_IO_FORMAT_AUTO = 0,  /**< from the extension, else from the content */
    LTR_IO_FORMAT_SNDFILE,   /**< anything libsndfile reads (WAV, FLAC, AIFF, ...) */
    LTR_IO_FORMAT_EDF,       /**< EDF, EDF+, BDF, BDF+ (EDFlib) */
    LTR_IO_FORMAT_TEXT,      /**< CSV, TSV or whitespace-separated numbers */
    LTR_IO_FORMAT_RAW_F32LE, /**< headerless interleaved 32-bit little-endian floats */
    LTR_IO_FORMAT_RAW_S16LE, /**< headerless interleaved 16-bit little-endian integers */
    /** PhysioNet WFDB: open the .hea header; signal formats 16, 212 and 80, physical
     *  units ((sample - baseline) / gain), invalid samples as NaN (appended in 1.0) */
    LTR_IO_FORMAT_WFDB,
    /** MATLAB .mat (v4, v5, v7.3) through matio, when libltr-io was built with it: a
     *  numeric 2-D matrix (samples x channels, or channels x samples when the first
     *  dimension is the smaller) and a scalar rate named fs, Fs, FS, srate, sample_rate,
     *  sampling_rate or SampleRate; channel names from a cell array of strings named
     *  labels, channels or channel_names (appended in 1.0) */
    LTR_IO_FORMAT_MAT
} ltr_io_format;

/** Options of ltr_io_reader_open. Fill with ltr_io_options_default(). */
typedef struct ltr_io_options {
    ltr_io_format format;
    /** Frames per second. 0: from the file. Required for raw input and for text
     *  without a time column; otherwise it overrides the file's own rate. */
    double sample_rate_hz;
    /** Raw input: channels per frame (1..LTR_MAX_CHANNELS). */
    unsigned raw_channels;
    /** Raw s16le input: physical units per count (default 1: counts as they are). */
    double raw_gain;
    /** Text: field separator; 0 = from the extension (.tsv: tab, .csv: comma)
     *  or the first data line (tab, comma, semicolon, else whitespace). */
    char text_delimiter;
    /** Text: 1 the first non-comment line is a header of column names, 0 it is
     *  not, -1 (default) it is if any of its fields is not a number. */
    int text_header;
    /** Text: the time column, by name or 0-based index; NULL (default): a
     *  column named time, t, time_s, timestamp or "time (s)" (any case) if there
     *  is one; "" or "none": no time column. Times are in seconds. */
    const char *text_time_column;
    /** Accept NaN, Inf and empty fields in text as non-finite samples (the
     *  detector flags them as artifacts) instead of refusing them. Default 0. */
    int allow_nonfinite;
} ltr_io_options;

/** Fill opts with the defaults described above. */
LTR_IO_API void ltr_io_options_default(ltr_io_options *opts);

/** One channel of an opened recording. */
typedef struct ltr_io_channel {
    char name[64];          /**< label, column name, or "ch<N>" (0-based) when the file has none */
    char unit[16];          /**< physical unit ("mV", "uV", "g"), "FS" (full scale, +-1) or "" */
    double sample_rate_hz;  /**< this channel's rate (differs between channels only in EDF) */
    int64_t n_samples;      /**< samples of this channel, -1 if not known before reading */
    /** The range the recording can hold (ADC limits in physical units), when
     *  the format states it (EDF physical min/max, +-1 for integer PCM): a
     *  sample at a limit may be clipped. has_range = 0: unknown. */
    int has_range;
    double range_min, range_max;
} ltr_io_channel;

/** What an opened recording holds. */
typedef struct ltr_io_info {
    ltr_io_format format;
    char format_name[64];     /**< e.g. "WAV (Microsoft), 32 bit float", "EDF+", "CSV" */
    unsigned n_channels;      /**< channels in the file (time column excluded) */
    unsigned n_selected;      /**< channels each frame read holds */
    double sample_rate_hz;    /**< rate of the selected channels, 0 if they differ */
    int64_t n_frames;         /**< frames in the file, -1 if not known before reading */
    char rate_source[64];     /**< where the rate came from: "header", "time column", "comment", "option" */
} ltr_io_info;

/** An open recording. */
typedef struct ltr_io_reader ltr_io_reader;

/**
 * Open `path` ("-" = standard input, raw or text formats only) for reading.
 * On error *reader is NULL, the status is returned and, if err is not NULL,
 * filled with a message. opts may be NULL (defaults).
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_reader_open(ltr_io_reader **reader, const char *path,
                                                          const ltr_io_options *opts,
                                                          ltr_io_error *err);

/** As ltr_io_reader_open, for an open file descriptor (not closed by the
 *  reader): raw and text formats only; `name` is used in messages. */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_reader_open_fd(ltr_io_reader **reader, int fd,
                                                             const char *name,
                                                             const ltr_io_options *opts,
                                                             ltr_io_error *err);

/** Close a reader and free it. NULL is ignored. */
LTR_IO_API void ltr_io_reader_close(ltr_io_reader *reader);

/** What the recording holds (reflects the current selection). */
LTR_IO_API ltr_io_status ltr_io_reader_info(const ltr_io_reader *reader, ltr_io_info *info);

/** Channel `index` (0..n_channels-1, file order), or NULL if out of range. */
LTR_IO_API const ltr_io_channel *ltr_io_reader_channel(const ltr_io_reader *reader, unsigned index);

/**
 * Find a channel by name (exact, then case-insensitive) or by 0-based index
 * written in decimal. LTR_IO_ERR_CHANNEL if there is none; the reader's
 * message then lists the channels.
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_reader_find_channel(ltr_io_reader *reader,
                                                                  const char *name_or_index,
                                                                  unsigned *index);

/**
 * Choose the channels every frame read holds, in this order (repetition
 * allowed), 1..LTR_MAX_CHANNELS of them. Before the first read only. The
 * default is every channel in file order (LTR_IO_ERR_CHANNEL at the first read
 * if there are more than LTR_MAX_CHANNELS). LTR_IO_ERR_RATE if the chosen
 * channels have different rates.
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_reader_select(ltr_io_reader *reader,
                                                            const unsigned *channels, unsigned n);

/**
 * Read up to max_frames frames of n_selected interleaved floats into
 * frames. *n_frames = 0 with LTR_IO_OK: the end. From a pipe it returns what
 * has arrived (at least one frame) rather than waiting for max_frames. On an
 * error the frames before the bad one are returned too (*n_frames may be > 0).
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_reader_read(ltr_io_reader *reader, float *frames,
                                                          size_t max_frames, size_t *n_frames);

/** The last error of this reader (status, line, message). Never NULL. */
LTR_IO_API const ltr_io_error *ltr_io_reader_error(const ltr_io_reader *reader);

/** Name of a format, e.g. "EDF/BDF". Never NULL. */
LTR_IO_API const char *ltr_io_format_name(ltr_io_format format);

/** The format a file name's extension implies (case-insensitive), or AUTO if
 *  none: .wav .flac .aif(f) .ogg .au .caf .w64 .rf64 ... -> SNDFILE, .edf
 *  .bdf -> EDF, .csv .tsv .txt -> TEXT, .f32 -> RAW_F32LE, .s16 -> RAW_S16LE,
 *  .hea -> WFDB. */
LTR_IO_API ltr_io_format ltr_io_format_from_name(const char *path);

/* --- annotations in recordings (EDF+/BDF+) ----------------------------------- */

/** One annotation of a recording: an EDF+/BDF+ time-stamped annotation list entry
 *  (TAL), e.g. "Stimulus", "Needle insertion" (appended in 1.0). */
typedef struct ltr_io_annotation {
    double onset_s;     /**< s from the first sample (EDF+ resolution: 100 ns) */
    double duration_s;  /**< s, or -1 if the annotation states none */
    char text[512];     /**< UTF-8, as in the file (EDFlib's limit: 512 bytes) */
} ltr_io_annotation;

/**
 * The annotations of an opened recording, in file order: those of an EDF+/BDF+
 * file (read by EDFlib at open); none for every other format (*n = 0). The
 * list belongs to the reader and lives until ltr_io_reader_close. If the file's
 * annotations cannot be parsed (EDFlib refuses them while its signals are
 * fine: the samples still read), LTR_IO_ERR_FORMAT with err saying so, and
 * *n = 0. Thread safety: as the reader (one thread at a time).
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_reader_annotations(const ltr_io_reader *reader,
                                                                 const ltr_io_annotation **list,
                                                                 size_t *n, ltr_io_error *err);

/* --- EDF+/BDF+ output --------------------------------------------------------- */

/** An EDF+ or BDF+ file being written (EDFlib): signals and annotations. */
typedef struct ltr_io_edf_writer ltr_io_edf_writer;

/**
 * Create `path` as EDF+ (bdf = 0: 16-bit samples) or BDF+ (bdf = 1: 24-bit)
 * with n_channels signals at sample_rate_hz, each named, with the unit and the
 * physical range of channels[c] (name, unit, range_min < range_max; has_range
 * must be set: LTR_IO_ERR_ARGUMENT otherwise; EDF keeps 16 characters of a
 * name and 8 of a unit). Samples are quantised over that
 * range (widened outward to what EDF's 8-character fields hold), and clipped to
 * it. Data records last 1 s, or the shortest whole number of seconds up to 60
 * that holds a whole number of samples: LTR_IO_ERR_RATE for a rate with none.
 * EDF+ keeps annotations in every data record: n_frames (the length to be
 * written) and max_annotations size that room. The file is written in place:
 * for an atomic output, give it the temporary of ltr_io_atomic_open
 * (ltr_io_atomic_temp_path) and commit after ltr_io_edf_writer_close.
 * EDFlib's open and close are serialised internally; a writer is used by one
 * thread at a time. Not real-time safe (allocates, does I/O).
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_edf_writer_open(ltr_io_edf_writer **writer,
                                                              const char *path, int bdf,
                                                              double sample_rate_hz,
                                                              const ltr_io_channel *channels,
                                                              unsigned n_channels,
                                                              uint64_t n_frames,
                                                              size_t max_annotations,
                                                              ltr_io_error *err);

/** Append n interleaved frames of n_channels floats. A NaN or Inf sample is
 *  written as 0 (EDF has none) and counted (see close). */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_edf_writer_write(ltr_io_edf_writer *writer,
                                                               const float *frames, size_t n);

/** Add an annotation: onset (s from the first sample, >= 0; EDFlib's writer keeps
 *  100 us), duration (s; < 0: none), UTF-8 text (EDFlib keeps its first 40 bytes).
 *  At most max_annotations of them (LTR_IO_ERR_ARGUMENT beyond). */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_edf_writer_annotate(ltr_io_edf_writer *writer,
                                                                  double onset_s,
                                                                  double duration_s,
                                                                  const char *text);

/** Finish the file (the last data record padded with each channel's last sample)
 *  and free the writer, in any case. *n_nonfinite (if not NULL): the NaN/Inf samples
 *  written as 0. The first error of the writer's life is returned, with err's message. */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_edf_writer_close(ltr_io_edf_writer *writer,
                                                               uint64_t *n_nonfinite,
                                                               ltr_io_error *err);

/* --- atomic output files --------------------------------------------------- */

/**
 * A file written under a temporary name in the target's directory
 * ("<path>.tmp-<pid>-<n>", created with O_EXCL and mode 0666 & ~umask) and
 * renamed over `path` by commit, so the target is either the old file or the
 * complete new one. abort (or close without commit) removes the temporary.
 * A target that exists and is not a regular file (/dev/null, a FIFO) is
 * written in place: there is nothing to rename.
 */
typedef struct ltr_io_atomic_file ltr_io_atomic_file;

/** Create the temporary file. path "-" means standard output (commit then just flushes). */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_atomic_open(ltr_io_atomic_file **file,
                                                          const char *path, ltr_io_error *err);
/** The stream to write to. */
LTR_IO_API FILE *ltr_io_atomic_stream(ltr_io_atomic_file *file);
/** Flush, close and rename over the target; frees file in any case. */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_atomic_commit(ltr_io_atomic_file *file,
                                                            ltr_io_error *err);
/** Close and remove the temporary; frees file. NULL is ignored. */
LTR_IO_API void ltr_io_atomic_abort(ltr_io_atomic_file *file);
/** The temporary's path, until commit or abort; NULL for standard output or a
 *  target written in place. For a program that removes it from a signal
 *  handler: copy it, then unlink(2) is async-signal-safe. */
LTR_IO_API const char *ltr_io_atomic_temp_path(const ltr_io_atomic_file *file);

/**
 * 1 if `name` (a file name, no folder) is a temporary of ltr_io_atomic_open,
 * "<target>.tmp-<pid>-<n>", whose writer is gone: no process `pid` exists, or
 * pid is the caller's own (an earlier process with the same id left it: call
 * this before opening the target yourself). *target_len (if not NULL) is the
 * length of <target>. 0 for any other name, or while the writer is running.
 */
LTR_IO_API int ltr_io_atomic_stale_name(const char *name, size_t *target_len);

/**
 * Remove the temporaries that killed writers left next to `path` (see
 * ltr_io_atomic_stale_name): the debris of an interrupted run. Call it before
 * ltr_io_atomic_open(path). *removed (if not NULL) counts them.
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_atomic_remove_stale(const char *path,
                                                                  unsigned *removed,
                                                                  ltr_io_error *err);

/* --- events ----------------------------------------------------------------- */

/** Event file formats. */
typedef enum ltr_io_events_format {
    LTR_IO_EVENTS_TSV = 0, /**< BIDS events.tsv: tab-separated, header, "n/a" for missing values */
    LTR_IO_EVENTS_CSV,     /**< the same columns, comma-separated (RFC 4180 quoting) */
    LTR_IO_EVENTS_JSONL,   /**< one JSON object per line, the same keys */
    /** MNE's annotation text file (mne.read_annotations reads a .txt of it): a
     *  "# MNE-Annotations" header, then "onset, duration, description" per row, in
     *  seconds from the first sample; the description is ltr_io_event_description's
     *  (appended in 1.0) */
    LTR_IO_EVENTS_MNE
} ltr_io_events_format;

/** Parse "tsv", "csv", "jsonl" (or "json"), "mne". Returns -1 if unknown. */
LTR_IO_API int ltr_io_events_format_parse(const char *name);

/** Which event kinds a writer writes (bitwise OR of 1u << ltr_event_kind). */
#define LTR_IO_KIND(kind) (1u << (unsigned)(kind))
/** Sites and their "twitches have stopped" cues (session events, ltr.h). */
#define LTR_IO_KINDS_SITES (LTR_IO_KIND(LTR_EVENT_SITE_END) | LTR_IO_KIND(LTR_EVENT_EXHAUSTED))
/** Twitches (END), artifacts and sites: what a file of results holds. */
#define LTR_IO_KINDS_RESULTS                                                             \
    (LTR_IO_KIND(LTR_EVENT_END) | LTR_IO_KIND(LTR_EVENT_ARTIFACT) | LTR_IO_KINDS_SITES)
/** Everything, BEGIN, CANCEL and site_begin included: what a live stream shows. */
#define LTR_IO_KINDS_ALL                                                                 \
    (LTR_IO_KIND(LTR_EVENT_BEGIN) | LTR_IO_KIND(LTR_EVENT_END) |                          \
     LTR_IO_KIND(LTR_EVENT_CANCEL) | LTR_IO_KIND(LTR_EVENT_ARTIFACT) |                    \
     LTR_IO_KIND(LTR_EVENT_SITE) | LTR_IO_KINDS_SITES)

/**
 * Writes events as rows. Columns, in order:
 *   onset       s from the first frame (BIDS: onset and duration come first)
 *   duration    s (BIDS); "n/a" for BEGIN (not known yet)
 *   [source]    only if a source name was given: the input file of the row
 *   trial_type  twitch | artifact | twitch_begin | twitch_cancel | site | site_stopped |
 *               site_begin (session events: a site row spans the site, its amplitude is
 *               the habituation ratio, its id the site's number; a site_stopped row is
 *               the stroke that completed the stop rule, its latency the cue's delay)
 *   peak        s, time of the envelope maximum
 *   amplitude   input units
 *   snr_db      dB
 *   confidence  0..1
 *   channels    names of the channels that saw it, comma-separated
 *   flags       LTR_FLAG_* names, comma-separated (emg,acc,fused,clipped,...), "n/a" if none
 *   latency_ms  ms from onset to the moment the detector reported the twitch: for a
 *               twitch (END) row, that of its BEGIN (the real-time latency), if the
 *               writer saw it; else detected - onset; "n/a" for an artifact (a stretch
 *               of unusable input has no reporting latency)
 *   id          twitch id (BEGIN, END and CANCEL of one twitch share it)
 */
typedef struct ltr_io_event_writer ltr_io_event_writer;

/**
 * Start writing to `stream` (not closed by the writer; the header row is
 * written at once). channel_names[c] names detector channel c (bit c of
 * event.channels); n_names of them; NULL: "0", "1", .... kinds: which
 * events to write (LTR_IO_KINDS_*). source: NULL, or the value of a `source`
 * column (after onset and duration). On error (LTR_IO_ERR_WRITE: the header could not be
 * written) *writer is NULL and nothing is left to free.
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_event_writer_create(ltr_io_event_writer **writer,
                                                                  FILE *stream,
                                                                  ltr_io_events_format format,
                                                                  double sample_rate_hz,
                                                                  const char *const *channel_names,
                                                                  unsigned n_names, unsigned kinds,
                                                                  const char *source);

/**
 * Go on writing rows of another input to the same table (no new header):
 * a new rate, channel names and source value (the writer must have been
 * created with a source to keep a source column; else source is ignored).
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_event_writer_set_input(ltr_io_event_writer *writer,
                                                                     double sample_rate_hz,
                                                                     const char *const *channel_names,
                                                                     unsigned n_names,
                                                                     const char *source);

/** Write one event (if its kind is selected). LTR_IO_ERR_WRITE on a stream error. */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_event_writer_write(ltr_io_event_writer *writer,
                                                                 const ltr_event *event);

/**
 * The text an event gets as an annotation (MNE, EDF+): its trial_type ("twitch",
 * "evoked", "twitch_begin", "twitch_cancel"), except artifacts: "BAD_artifact", which
 * MNE leaves out of epochs and of reject_by_annotation analyses. Never NULL.
 */
LTR_IO_API const char *ltr_io_event_description(const ltr_event *event);

/** Free the writer (the stream stays open). NULL is ignored. */
LTR_IO_API void ltr_io_event_writer_destroy(ltr_io_event_writer *writer);

/**
 * Write the JSON sidecar (BIDS events.json) that describes the columns, with
 * the detector configuration under "ltr_config" and the recording under
 * "ltr_input" (input may be NULL). Strings are escaped per RFC 8259.
 */
LTR_IO_API ltr_io_status ltr_io_write_sidecar(FILE *stream, const ltr_config *cfg,
                                              const char *input, int with_source_column);

/** Comma-separated names of the LTR_FLAG_* bits in flags into buf ("" if none). */
LTR_IO_API void ltr_io_flags_string(uint32_t flags, char *buf, size_t size);

/** Write s as a JSON string literal, quotes included (RFC 8259 escaping). */
LTR_IO_API void ltr_io_json_string(FILE *stream, const char *s);

/* --- sidecars: what each channel of a recording is ------------------------- */

/**
 * A recording's own description of its channels and of the mains, so that a
 * tool needs no settings. Read beside the recording `DIR/STEM.EXT`:
 *
 * - `DIR/STEM.json`: the JSON sidecar, as data/ writes it and as BIDS names
 *   it (`sub-01_task-x_emg.json` beside `sub-01_task-x_emg.edf`). Read:
 *   `SamplingFrequency` (Hz), `PowerLineFrequency` (50, 60 or "n/a") and,
 *   in data/'s sidecars, `Channels`: an array of {"index", "name", "type",
 *   "units", "full_scale"} (index optional: else array order).
 * - `DIR/STEM_channels.tsv` (a BIDS "_emg" suffix dropped from STEM first:
 *   `sub-01_task-x_channels.tsv`): BIDS columns `name`, `type`, `units`, and
 *   `status` (a "bad" channel is left out) if present. Rows are matched to
 *   the file's channels by name when the file has names and every row's name
 *   is one of them, else in order. It wins over the JSON's `Channels`.
 * - The file's own labels and units (EDF/BDF labels and physical dimensions,
 *   text column names), for the channels neither sidecar types: a label
 *   "EMG...", "emg0" is EMG; "ACC X", "Accel", "acc_x" an accelerometer axis;
 *   "ECG", "EKG", "EEG", "EOG", "Trigger", "Status", "Resp", ... another
 *   signal; an unknown label with an acceleration unit (g, mg, m/s^2) an
 *   accelerometer axis.
 *
 * Types: "EMG"; "ACCEL" (BIDS) and "ACC" (data/) both mean an accelerometer
 * axis; any other type (ECG, MISC, TRIG, ...) is another signal, not for the
 * detector; "n/a" or none says nothing. Case does not matter.
 *
 * Checked against the recording: a sidecar that describes another number of
 * channels than the file holds fails with LTR_IO_ERR_CHANNEL, a
 * SamplingFrequency more than 0.1 % off the file's rate with LTR_IO_ERR_RATE
 * (only a note when the rate was given as an option: the option wins); the
 * message names both values. Malformed JSON or TSV fails with
 * LTR_IO_ERR_FORMAT and a "file:line:column:" message; a field of the wrong
 * kind (a string where a number must be) likewise.
 */
typedef struct ltr_io_sidecar ltr_io_sidecar;

/** What a channel is. */
typedef enum ltr_io_channel_type {
    LTR_IO_CHANNEL_UNKNOWN = 0, /**< nothing says */
    LTR_IO_CHANNEL_EMG,         /**< EMG (surface or needle) */
    LTR_IO_CHANNEL_ACC,         /**< one accelerometer axis (BIDS "ACCEL", data/ "ACC") */
    LTR_IO_CHANNEL_OTHER        /**< stated to be something else (ECG, TRIG, MISC, ...), or "bad" */
} ltr_io_channel_type;

/** Where a channel's type (or the mains) came from. */
typedef enum ltr_io_source {
    LTR_IO_SOURCE_NONE = 0,     /**< nowhere: not known */
    LTR_IO_SOURCE_CHANNELS_TSV, /**< the BIDS channels.tsv */
    LTR_IO_SOURCE_JSON,         /**< the JSON sidecar */
    LTR_IO_SOURCE_LABEL,        /**< the file's own channel label */
    LTR_IO_SOURCE_UNIT          /**< the file's own physical unit (an acceleration) */
} ltr_io_source;

/** One channel of the recording (file order) as its metadata describe it. */
typedef struct ltr_io_channel_desc {
    ltr_io_channel_type type;
    ltr_io_source type_source;  /**< where `type` came from */
    char type_text[24];         /**< the type as written ("ACCEL", "ECG", "n/a"), or the label
                                     or unit that decided it; "" if none */
    char name[64];              /**< the sidecar's name for it, else the file's */
    char unit[16];              /**< the sidecar's unit ("mV", "g"), else the file's */
    /** Physical value of a sample of 1.0 (data/ sidecars' `full_scale`: FLAC holds
     *  +-1), 0 if not stated. Samples are not scaled by it. */
    double full_scale;
    int bad;                    /**< channels.tsv status "bad" (then type is OTHER) */
} ltr_io_channel_desc;

/** What was read. Pointers stay valid until ltr_io_sidecar_destroy. */
typedef struct ltr_io_sidecar_info {
    const char *json_path;      /**< the JSON sidecar read, NULL if none */
    const char *channels_path;  /**< the channels.tsv read, NULL if none */
    double sample_rate_hz;      /**< SamplingFrequency, 0 if not stated */
    double power_line_hz;       /**< PowerLineFrequency (50 or 60), 0 if not stated or "n/a" */
    unsigned n_channels;        /**< the recording's channels (ltr_io_sidecar_channel's range) */
    unsigned n_typed;           /**< channels whose type is known (not UNKNOWN) */
    unsigned n_from_sidecar;    /**< channels typed by a sidecar file (not by labels) */
    /** Things a person should know, one per line, "" if none: a rate given as an
     *  option over the sidecar's, a PowerLineFrequency that is neither 50 nor 60,
     *  rows matched in order because their names are not the file's labels. */
    const char *notes;
} ltr_io_sidecar_info;

/**
 * Read the metadata of the recording open in `reader`, found from `path` (the
 * name it was opened with; NULL or "-": no sidecar files, the file's own
 * labels only). Succeeds with nothing typed when there is no sidecar and no
 * telling label. On error *sidecar is NULL and err says why (file, line).
 * The reader is only inspected (channels, rate), never read from.
 */
LTR_IO_API LTR_NODISCARD ltr_io_status ltr_io_sidecar_read(ltr_io_sidecar **sidecar,
                                                           const ltr_io_reader *reader,
                                                           const char *path, ltr_io_error *err);

/** Free it. NULL is ignored. */
LTR_IO_API void ltr_io_sidecar_destroy(ltr_io_sidecar *sidecar);

/** What was read (see ltr_io_sidecar_info). */
LTR_IO_API ltr_io_status ltr_io_sidecar_info_get(const ltr_io_sidecar *sidecar,
                                                 ltr_io_sidecar_info *info);

/** Channel `index` (file order, 0..n_channels-1), or NULL if out of range. */
LTR_IO_API const ltr_io_channel_desc *ltr_io_sidecar_channel(const ltr_io_sidecar *sidecar,
                                                             unsigned index);

/** "EMG", "accelerometer", "other" or "unknown". Never NULL. */
LTR_IO_API const char *ltr_io_channel_type_name(ltr_io_channel_type type);

/** What a type string of a sidecar means ("EMG", "ACCEL", "ACC", "ECG", "n/a", ...). */
LTR_IO_API ltr_io_channel_type ltr_io_channel_type_parse(const char *type);

/** What a channel label and unit say (the rules above), UNKNOWN if nothing. */
LTR_IO_API ltr_io_channel_type ltr_io_channel_type_guess(const char *label, const char *unit);

#ifdef __cplusplus
}
#endif

#endif /* LTR_LTR_IO_H */
