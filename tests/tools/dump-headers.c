/* 'dump-headers MBOX': for each message of an mbox (split at "From " lines),
 * one line "N<TAB>SUBJECT<TAB>FROM-ADDRESS" with the Subject as GMime decodes
 * it (RFC 2047, charsets to UTF-8) and the first From mailbox's address.
 * Tabs, line breaks and backslashes are escaped (\t \n \\).  Used to compare
 * with Python's email package (tests/cli/t-analysis-email.sh). */
#include <stdio.h>
#include <string.h>
#include <gmime/gmime.h>
#include "../unit/mbox-split.h"

static void
put (const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\t') fputs ("\\t", stdout);
		else if (*s == '\n') fputs ("\\n", stdout);
		else if (*s == '\r') fputs ("\\r", stdout);
		else if (*s == '\\') fputs ("\\\\", stdout);
		else putchar (*s);
	}
}

int
main (int argc, char **argv)
{
	if (argc != 2) {
		fprintf (stderr, "usage: dump-headers MBOX\n");
		return 2;
	}
	g_mime_init ();
	char *data;
	gsize len;
	if (!g_file_get_contents (argv[1], &data, &len, NULL)) {
		fprintf (stderr, "error: cannot read '%s'\n", argv[1]);
		return 1;
	}
	GArray *msgs = mbox_split (data, len);
	for (guint i = 0; i < msgs->len; i++) {
		const mbox_msg_t *mm = &g_array_index (msgs, mbox_msg_t, i);
		GMimeStream *st = g_mime_stream_mem_new_with_buffer (mm->p, mm->len);
		GMimeParser *ps = g_mime_parser_new_with_stream (st);
		GMimeMessage *m = g_mime_parser_construct_message (ps, NULL);
		const char *subject = m ? g_mime_message_get_subject (m) : NULL;
		const char *from = NULL;
		InternetAddressList *l = m ? g_mime_message_get_from (m) : NULL;
		for (int k = 0; l && k < internet_address_list_length (l) && !from; k++) {
			InternetAddress *ia = internet_address_list_get_address (l, k);
			if (INTERNET_ADDRESS_IS_MAILBOX (ia))
				from = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
			else if (INTERNET_ADDRESS_IS_GROUP (ia)) {
				/* "Name: x <a@b>" (an unquoted colon) reads as a group. */
				InternetAddressList *g = internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia));
				for (int j = 0; g && j < internet_address_list_length (g) && !from; j++) {
					InternetAddress *ga = internet_address_list_get_address (g, j);
					if (INTERNET_ADDRESS_IS_MAILBOX (ga))
						from = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ga));
				}
			}
		}
		printf ("%u\t", i);
		put (subject);
		putchar ('\t');
		put (from);
		putchar ('\n');
		if (m)
			g_object_unref (m);
		g_object_unref (ps);
		g_object_unref (st);
	}
	g_array_unref (msgs);
	g_free (data);
	return 0;
}
