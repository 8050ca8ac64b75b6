/* Writes the loader's frames on stdout (frames.h, bpf/README.md "Frames"). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include "frames.h"
#include "frame-output.h"

void frame_output_open(void)
{
	static char out_buffer[1 << 20];
	setvbuf(stdout, out_buffer, _IOFBF, sizeof(out_buffer));
	/* A deeper pipe to the sentinel absorbs its pauses (GC, a publish) before the rings fill;
	 * best effort: an ordinary user's limit is /proc/sys/fs/pipe-max-size. */
	fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 4 << 20);
}

void write_frame(uint16_t type, const void *a, size_t a_len, const void *b, size_t b_len,
			const void *c, size_t c_len)
{
	struct omega_frame_header header = {
		.length = (uint32_t)(a_len + b_len + c_len), .type = type, .version = OMEGA_FRAME_VERSION,
	};
	fwrite(&header, sizeof(header), 1, stdout);
	if (a_len)
		fwrite(a, a_len, 1, stdout);
	if (b_len)
		fwrite(b, b_len, 1, stdout);
	if (c_len)
		fwrite(c, c_len, 1, stdout);
}

void reply(uint32_t id, int status, const char *fmt, ...)
{
	char message[512];
	va_list args;
	va_start(args, fmt);
	int n = vsnprintf(message, sizeof(message), fmt, args);
	va_end(args);
	if (n < 0)
		n = 0;
	if (n >= (int)sizeof(message))
		n = sizeof(message) - 1;
	struct omega_frame_reply body = { .request_id = id, .status = status, .message_len = (uint16_t)n };
	write_frame(OMEGA_FRAME_REPLY, &body, sizeof(body), message, n, NULL, 0);
	fflush(stdout);
}

int frame_output_flush(void)
{
	return fflush(stdout);
}
