/* LD_PRELOAD shim that makes one copy slow to parse: GMime's
 * g_mime_parser_construct_message() is passed on, and when the message
 * it gives has the subject WB_SLOW_SUBJECT names, the thread sleeps
 * WB_SLOW_MS milliseconds, then appends one line "parsed N" to the file
 * WB_SLOW_LOG names: N is how many other messages every thread finished
 * constructing before it woke.  Built as build/tools/slowparse.so by
 * 'make tools' (tests/cli/t-ingest-gate.sh). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int constructed;

void *
g_mime_parser_construct_message (void *parser, void *options)
{
	void *(*next) (void *, void *) = (void *(*) (void *, void *)) dlsym (RTLD_NEXT,
									 "g_mime_parser_construct_message");
	const char *(*subject_of) (void *) = (const char *(*) (void *)) dlsym (RTLD_DEFAULT,
									  "g_mime_message_get_subject");
	void *msg = next ? next (parser, options) : NULL;
	const char *want = getenv ("WB_SLOW_SUBJECT");
	const char *subject = msg && subject_of ? subject_of (msg) : NULL;
	if (want && subject && strcmp (subject, want) == 0) {
		const char *ms = getenv ("WB_SLOW_MS");
		usleep ((useconds_t) (ms ? atoi (ms) : 1000) * 1000);
		const char *path = getenv ("WB_SLOW_LOG");
		FILE *f = path ? fopen (path, "a") : NULL;
		if (f) {
			fprintf (f, "parsed %d\n", __atomic_load_n (&constructed, __ATOMIC_SEQ_CST));
			fclose (f);
		}
	} else {
		__atomic_add_fetch (&constructed, 1, __ATOMIC_SEQ_CST);
	}
	return msg;
}
