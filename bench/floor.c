/* floor.c - the ceiling for any libmicrohttpd relay on this machine: a
 * bare MHD server configured like the relay (a pool of internal polling
 * threads, epoll, suspend/resume allowed) that reads and drops any
 * request body and answers every request with the same small JSON body.
 * bench/compare.sh runs the same wrk load against it and the relay.
 *
 *   bench-floor [--port N] [--threads N]     (prints "floor: listening on PORT") */
#include <getopt.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLOOR_BODY "{\"messages\":[]}\n"

struct floor_opts {
	unsigned port;
	unsigned threads;
};

static enum MHD_Result floor_access(void *cls, struct MHD_Connection *conn, const char *url,
				    const char *method, const char *version,
				    const char *upload_data, size_t *upload_data_size,
				    void **con_cls)
{
	struct MHD_Response *resp = cls;

	if (*con_cls == NULL) { /* the headers: nothing to answer yet */
		*con_cls = conn;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0; /* drop the body */
		return MHD_YES;
	}
	return MHD_queue_response(conn, MHD_HTTP_OK, resp);
}

static bool floor_parse(int argc, char **argv, struct floor_opts *o)
{
	static const struct option longopts[] = {
		{"port", required_argument, NULL, 'p'},
		{"threads", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'p')
			o->port = (unsigned)strtoul(optarg, NULL, 10);
		else if (c == 't')
			o->threads = (unsigned)strtoul(optarg, NULL, 10);
		else
			return false;
	}
	return o->port <= 65535 && o->threads >= 1;
}

int main(int argc, char **argv)
{
	struct floor_opts o = {.port = 0, .threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN)};
	struct MHD_Response *resp = NULL;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int sig, ret = 1;

	if (!floor_parse(argc, argv, &o)) {
		fprintf(stderr, "usage: bench-floor [--port N] [--threads N]\n");
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	resp = MHD_create_response_from_buffer(strlen(FLOOR_BODY), (void *)FLOOR_BODY,
					       MHD_RESPMEM_PERSISTENT);
	if (resp == NULL ||
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") !=
		    MHD_YES)
		goto done;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
				     MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME,
			     (uint16_t)o.port, NULL, NULL, floor_access, resp,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(o.threads > 1 ? o.threads : 0),
			     MHD_OPTION_CONNECTION_LIMIT, 16384U,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
			     MHD_OPTION_CONNECTION_TIMEOUT, 30U, MHD_OPTION_END);
	if (d == NULL || (info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) == NULL)
		goto done;
	fprintf(stderr, "floor: listening on %u (%u threads)\n", (unsigned)info->port, o.threads);
	sigwait(&set, &sig);
	ret = 0;
done:
	if (d != NULL)
		MHD_stop_daemon(d);
	if (resp != NULL)
		MHD_destroy_response(resp);
	return ret;
}
