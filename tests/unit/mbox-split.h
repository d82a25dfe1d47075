/* The messages of an mbox as the test tools read one: split at every line
 * that begins "From ", each message without its From_ line (what comes
 * before the first is not a message).  Include after <glib.h>. */
#ifndef WB_TEST_MBOX_SPLIT_H
#define WB_TEST_MBOX_SPLIT_H
#include <string.h>

typedef struct {
	const char *p;   /* in the mbox's bytes */
	gsize len;
} mbox_msg_t;

/* An array of mbox_msg_t over DATA (LEN bytes), which must outlive it. */
static inline GArray *
mbox_split (const char *data, gsize len)
{
	GArray *msgs = g_array_new (FALSE, FALSE, sizeof (mbox_msg_t));
	const char *start = NULL;
	for (gsize i = 0; i <= len; i++) {
		gboolean from = i < len && (i == 0 || data[i - 1] == '\n') && len - i >= 5
			&& memcmp (data + i, "From ", 5) == 0;
		if (!from && i < len)
			continue;
		if (start) {
			mbox_msg_t m = { start, (gsize) (data + i - start) };
			g_array_append_val (msgs, m);
		}
		if (from) {
			const char *nl = memchr (data + i, '\n', len - i);
			start = nl ? nl + 1 : data + len;
			if (nl)   /* the next line begins after it */
				i = (gsize) (nl - data);
		}
	}
	return msgs;
}
#endif
