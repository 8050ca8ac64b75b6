/* The loader's frames out: length-prefixed frames (frames.h) on stdout, buffered so one pipe write
 * carries many; frame_output_flush() hands them to the sentinel. */
#ifndef OMEGA_FRAME_OUTPUT_H
#define OMEGA_FRAME_OUTPUT_H
#include <stddef.h>
#include <stdint.h>

/* Buffers stdout and deepens its pipe; call before the first frame. */
void frame_output_open(void);
/* One frame: the header, then up to three body parts back to back (a part of length 0 is skipped). */
void write_frame(uint16_t type, const void *a, size_t a_len, const void *b, size_t b_len, const void *c,
		 size_t c_len);
/* A REPLY frame for command `id` (status 0 or -errno, a printf-style message), flushed at once. */
void reply(uint32_t id, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Writes out what is buffered; nonzero when stdout is gone. */
int frame_output_flush(void);

#endif
