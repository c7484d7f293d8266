/* SPDX-License-Identifier: MIT */
/* `xl console`: see console_client.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "console_client.h"
#include "xs_client.h"

#define CC_PTS "/dev/pts/"

/* Write all of @buf; 0 or a negative errno. */
static int cc_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			if (errno == EAGAIN) {
				struct pollfd p = { .fd = fd,
						    .events = POLLOUT };

				poll(&p, 1, 100);
			}
			continue;
		}
		if (n <= 0) {
			return n < 0 ? -errno : -EIO;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Input from the user: forwarded up to Ctrl-]. Returns 1 to detach, 0 to
 * go on, or a negative errno.
 */
static int cc_from_user(int in_fd, int tty_fd)
{
	char buf[1024];
	char *esc;
	ssize_t n = read(in_fd, buf, sizeof(buf));
	int rc;

	if (n < 0) {
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	}
	if (n == 0) {
		return 1; /* end of input */
	}
	esc = memchr(buf, SABLE_CONSOLE_ESCAPE, (size_t)n);
	rc = cc_write_all(tty_fd, buf, esc ? (size_t)(esc - buf) : (size_t)n);
	if (rc) {
		return rc;
	}
	return esc ? 1 : 0;
}

/* Output of the domain: 1 when the pty closed (domain gone). */
static int cc_from_domain(int tty_fd, int out_fd)
{
	char buf[4096];
	ssize_t n = read(tty_fd, buf, sizeof(buf));

	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN) {
			return 0;
		}
		return errno == EIO ? 1 : -errno;
	}
	if (n == 0) {
		return 1;
	}
	return cc_write_all(out_fd, buf, (size_t)n);
}

/*
 * The console node lives in the domain's own xenstore directory, which a
 * guest may be able to write: only a pty slave is accepted, so a guest
 * cannot point `xl console` at another file or terminal of dom0.
 */
static bool cc_is_pty_path(const char *p)
{
	const char *digits = p + strlen(CC_PTS);

	if (strncmp(p, CC_PTS, strlen(CC_PTS)) || !*digits ||
	    strlen(digits) > 9) {
		return false;
	}
	return strspn(digits, "0123456789") == strlen(digits);
}

static int cc_open_pty(uint32_t domid, const char *tty_path)
{
	struct stat st;
	int fd;

	if (!cc_is_pty_path(tty_path)) {
		fprintf(stderr, "the console of domain %u is '%s', not a pty\n",
			domid, tty_path);
		return -1;
	}
	fd = open(tty_path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr,
			"cannot open %s, the console of domain %u: %s\n",
			tty_path, domid, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode) || !isatty(fd)) {
		fprintf(stderr, "%s, the console of domain %u, is not a pty\n",
			tty_path, domid);
		close(fd);
		return -1;
	}
	return fd;
}

int sable_console_attach_fds(uint32_t domid, const char *tty_path, int in_fd,
			     int out_fd)
{
	struct termios saved, raw;
	bool restore = false;
	int tty_fd, rc = 0;

	tty_fd = cc_open_pty(domid, tty_path);
	if (tty_fd < 0) {
		return -1;
	}
	if (isatty(in_fd) && tcgetattr(in_fd, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		restore = tcsetattr(in_fd, TCSANOW, &raw) == 0;
	}
	while (rc == 0) {
		struct pollfd p[2] = {
			{ .fd = in_fd, .events = POLLIN },
			{ .fd = tty_fd, .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0) {
			rc = errno == EINTR ? 0 : -errno;
			continue;
		}
		/* The domain's output first, so that nothing it printed
		 * before a detach or its end is lost. */
		if (p[1].revents & POLLIN) {
			rc = cc_from_domain(tty_fd, out_fd);
		} else if (p[1].revents & (POLLHUP | POLLERR)) {
			rc = 1;
		}
		if (rc == 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			rc = cc_from_user(in_fd, tty_fd);
		}
	}
	if (restore) {
		tcsetattr(in_fd, TCSANOW, &saved);
	}
	close(tty_fd);
	if (rc < 0) {
		fprintf(stderr, "console of domain %u: %s\n", domid,
			strerror(-rc));
		return -1;
	}
	return 0;
}

int sable_console_attach(uint32_t domid, const char *tty_path)
{
	return sable_console_attach_fds(domid, tty_path, STDIN_FILENO,
					STDOUT_FILENO);
}

int sable_console_tty(struct xs_client *c, uint32_t domid, char *buf,
		      size_t size, unsigned int timeout_ms)
{
	struct timespec pause = { .tv_nsec = 100 * 1000 * 1000 };
	char path[64];
	unsigned int waited = 0;
	int rc;

	/* The backend's copy when there is one: console/ is the guest's. */
	snprintf(path, sizeof(path), "/local/domain/0/backend/console/%u/0",
		 domid);
	if (xs_client_read(c, 0, path, buf, size) != -ENOENT) {
		strcat(path, "/tty");
	} else {
		snprintf(path, sizeof(path), "/local/domain/%u/console/tty",
			 domid);
	}
	for (;;) {
		rc = xs_client_read(c, 0, path, buf, size);
		if (rc == 0 && buf[0]) {
			return 0;
		}
		if ((rc && rc != -ENOENT) || waited >= timeout_ms) {
			return rc ? rc : -ENOENT;
		}
		nanosleep(&pause, NULL);
		waited += 100;
	}
}
