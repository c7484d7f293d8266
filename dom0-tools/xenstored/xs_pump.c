// SPDX-License-Identifier: MIT
/*
 * Move bytes between a connection's transport and the engine. Reads only
 * what the engine wants next, so a transport never holds a half-taken
 * message, and stops when the engine applies back-pressure.
 */
#include <errno.h>

#include "xs_engine.h"

static int xs_pump_out(struct xs_conn *c)
{
	const uint8_t *p;
	size_t n;
	long w;

	while ((n = xs_conn_out_peek(c, &p)) > 0) {
		w = c->ops->write(c, p, n);
		if (w < 0) {
			return (int)w;
		}
		if (w == 0) {
			break;
		}
		xs_conn_out_consume(c, (size_t)w);
	}
	return 0;
}

/*
 * Serve a connection until its transport has nothing more to give or take.
 * The replies to every request taken in one call leave together, in one
 * write where the transport allows. Returns 0, or a negative errno when the
 * connection must be closed (it is then also marked dead).
 */
int xs_conn_pump(struct xs_conn *c)
{
	uint8_t buf[4096];
	size_t want;
	long r;
	int rc = 0, rounds;

	for (rounds = 0; rounds < 64 && !rc; rounds++) {
		want = xs_conn_want(c);
		if (want == 0) {
			/* Back-pressure: drain the replies, then go on. */
			rc = xs_pump_out(c);
			want = xs_conn_want(c);
			if (rc || want == 0) {
				break;
			}
		}
		r = c->ops->read(c, buf,
				 want < sizeof(buf) ? want : sizeof(buf));
		if (r < 0) {
			rc = (int)r;
			break;
		}
		if (r == 0) {
			break;
		}
		rc = xs_conn_feed(c, buf, (size_t)r);
	}
	if (!rc) {
		rc = xs_pump_out(c);
	}
	if (!rc && c->dead) {
		rc = -EPIPE;
	}
	if (rc) {
		c->dead = true;
	}
	return rc;
}
