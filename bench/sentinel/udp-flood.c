/* Bench traffic: UDP datagrams from one socket at a paced rate (or as fast as sendmmsg goes).
 * usage: udp-flood <dst ip> <dst port> <packets/s, 0 = max> <seconds> [dns]
 * With "dns" the payload is a DNS query (A bench.omega.test) whose id counts up. Prints the count
 * and the CPU-seconds it used (user + system: on a veth the receiver's path runs in its context). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: udp-flood <dst ip> <dst port> <packets/s, 0 = max> <seconds> [dns]\n");
		return 2;
	}
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "udp-flood: bad address %s\n", argv[1]);
		return 2;
	}
	double rate = atof(argv[3]), seconds = atof(argv[4]);
	int dns = argc > 5 && strcmp(argv[5], "dns") == 0;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0) {
		perror("udp-flood: socket");
		return 1;
	}
	static const uint8_t query[] = { 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'b', 'e', 'n', 'c', 'h', 5, 'o',
					 'm', 'e', 'g', 'a', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
	uint8_t payloads[BATCH][64];
	struct iovec iov[BATCH];
	struct mmsghdr msgs[BATCH];
	size_t len = dns ? sizeof(query) : 64;
	for (int i = 0; i < BATCH; i++) {
		memset(payloads[i], 0, sizeof(payloads[i]));
		if (dns)
			memcpy(payloads[i], query, sizeof(query));
		iov[i] = (struct iovec){ .iov_base = payloads[i], .iov_len = len };
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	uint64_t sent = 0;
	uint16_t id = 0;
	double start = now_s(), end = start + seconds;
	for (;;) {
		double t = now_s();
		if (t >= end)
			break;
		int n = BATCH;
		if (rate > 0) {
			double due = (t - start) * rate - (double)sent;
			if (due < 1) {
				usleep(200);
				continue;
			}
			if (due < n)
				n = (int)due;
		}
		if (dns)
			for (int i = 0; i < n; i++) {
				payloads[i][0] = id >> 8;
				payloads[i][1] = id & 0xff;
				id++;
			}
		int got = sendmmsg(fd, msgs, n, 0);
		if (got > 0)
			sent += got;
	}
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
	printf("%llu %.3f\n", (unsigned long long)sent, cpu);
	return 0;
}
