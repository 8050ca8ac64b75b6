/* Bench traffic for the TAP phase: writes pre-built Ethernet/IPv4/UDP frames into a TAP device, as a
 * NIC driver hands received frames to the kernel. The fd is non-blocking, so the tun driver builds
 * the packet in tun_build_skb and runs a native XDP program on the raw frame before any skb exists
 * (a generic XDP program or an nftables netdev ingress rule needs the skb).
 * usage: tap-writer <tap name> <src ip> <dst ip> <dst port> <frames/s, 0 = max> <seconds> [dns]
 * With "dns" the UDP payload is the DNS query udp-flood.c sends (A bench.omega.test, id counting
 * up); otherwise 64 zero bytes. The tap must exist (ip tuntap add ... mode tap) in this process's network namespace.
 * Prints the frames written and the CPU-seconds used (user + system: the receive path, and so the
 * drop, runs in this process's write() call). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 64

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t ip_checksum(const uint8_t *header, size_t len)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < len; i += 2)
		sum += (uint32_t)(header[i] << 8 | header[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int main(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: tap-writer <tap name> <src ip> <dst ip> <dst port> <frames/s, 0 = max> <seconds> [dns]\n");
		return 2;
	}
	struct in_addr src, dst;
	if (inet_pton(AF_INET, argv[2], &src) != 1 || inet_pton(AF_INET, argv[3], &dst) != 1) {
		fprintf(stderr, "tap-writer: bad address\n");
		return 2;
	}
	int port = atoi(argv[4]);
	double rate = atof(argv[5]), seconds = atof(argv[6]);
	int dns = argc > 7 && strcmp(argv[7], "dns") == 0;
	static const uint8_t query[] = { 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'b', 'e', 'n', 'c', 'h', 5, 'o',
					 'm', 'e', 'g', 'a', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1 };
	size_t payload = dns ? sizeof(query) : PAYLOAD;

	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		perror("tap-writer: /dev/net/tun");
		return 1;
	}
	struct ifreq ifr = { 0 };
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", argv[1]);
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		fprintf(stderr, "tap-writer: TUNSETIFF %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* the tap's own MAC as destination, so a frame nobody dropped is one the stack takes */
	uint8_t mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	int sock = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq hw = { 0 };
	snprintf(hw.ifr_name, IFNAMSIZ, "%s", argv[1]);
	if (sock >= 0 && ioctl(sock, SIOCGIFHWADDR, &hw) == 0)
		memcpy(mac, hw.ifr_hwaddr.sa_data, 6);
	if (sock >= 0)
		close(sock);

	uint8_t frame[14 + 20 + 8 + PAYLOAD] = { 0 };
	memcpy(frame, mac, 6);
	const uint8_t source_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01 };
	memcpy(frame + 6, source_mac, 6);
	frame[12] = 0x08; /* IPv4 */
	uint8_t *ip = frame + 14;
	ip[0] = 0x45;
	uint16_t ip_len = (uint16_t)(20 + 8 + payload);
	ip[2] = ip_len >> 8;
	ip[3] = ip_len & 0xff;
	ip[8] = 64;  /* TTL */
	ip[9] = 17;  /* UDP */
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	uint16_t check = ip_checksum(ip, 20);
	ip[10] = check >> 8;
	ip[11] = check & 0xff;
	uint8_t *udp = ip + 20;
	udp[0] = 40000 >> 8;
	udp[1] = 40000 & 0xff;
	udp[2] = port >> 8;
	udp[3] = port & 0xff;
	udp[4] = (uint8_t)((8 + payload) >> 8);
	udp[5] = (uint8_t)((8 + payload) & 0xff); /* UDP checksum 0: none (allowed over IPv4) */
	if (dns)
		memcpy(udp + 8, query, sizeof(query));
	size_t frame_len = 14 + 20 + 8 + payload;
	uint16_t id = 0;

	uint64_t sent = 0, refused = 0;
	double start = now_s(), end = start + seconds;
	for (;;) {
		double t = now_s();
		if (t >= end)
			break;
		int n = 64;
		if (rate > 0) {
			double due = (t - start) * rate - (double)sent;
			if (due < 1) {
				usleep(200);
				continue;
			}
			if (due < n)
				n = (int)due;
		}
		for (int i = 0; i < n; i++) {
			if (dns) {
				udp[8] = id >> 8;
				udp[9] = id & 0xff;
				id++;
			}
			if (write(fd, frame, frame_len) == (ssize_t)frame_len)
				sent++;
			else if (++refused == 1)
				fprintf(stderr, "tap-writer: write: %s\n", strerror(errno));
		}
	}
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	double cpu = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
	printf("%llu %.3f\n", (unsigned long long)sent, cpu);
	return 0;
}
