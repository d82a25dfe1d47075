/* Personal jurisdiction: long-arm statutes as data (templates/longarm/,
 * keys described in its README.md) and each defendant's contacts with each
 * forum, from the copies 'link' attributed to it, the trap roster and the
 * Received hops. */
#ifndef WB_JURISDICTION_H
#define WB_JURISDICTION_H

#include <stdint.h>
#include <glib.h>
#include "case.h"

/* Kinds of contact a copy may give with a forum (bit 1 << kind). */
typedef enum {
	WB_CONTACT_RESIDENT,        /* recipient_resident: the trap holder lives there */
	WB_CONTACT_PROVIDER,        /* provider_in_state: the trap's provider's equipment is there */
	WB_CONTACT_HOP,             /* hop_in_state: a trusted Received hop by a host located there */
	WB_CONTACT_HOP_CLAIMED,     /* hop_claimed_in_state: such a hop below the trust boundary */
	WB_CONTACT_COUNT
} wb_contact_t;

/* The name of contact kind K ("recipient_resident", ...), static. */
const char *wb_contact_name (wb_contact_t k);

typedef struct {
	char *id;                    /* from the group name "provision ID" */
	char *label;                 /* "(a)(5)" */
	char *text;                  /* the statute's words */
	char *check;                 /* as written */
	char *note;                  /* may be NULL */
	char *analyst;               /* what an analyst must show; may be NULL */
	unsigned contacts;           /* bits 1 << wb_contact_t; 0: analyst only */
} wb_longarm_provision_t;

typedef struct {
	char *id, *forum, *citation, *title, *text, *note;  /* title, note may be NULL */
	GPtrArray *provisions;       /* wb_longarm_provision_t*, in file order */
	char *file;                  /* "ct-52-59b.ini" */
} wb_longarm_t;

/* Parse one long-arm file.  On success *OUT is the caller's
 * (wb_longarm_free).  On failure WB_ERR_FORMAT and "FILE: [group] key: what
 * is wrong" in *ERRMSG (newly allocated). */
wb_status_t wb_longarm_parse (const char *file, const char *text, gsize len, wb_longarm_t **out,
			      char **errmsg);
void wb_longarm_free (wb_longarm_t *la);

/* The built-in long-arm files (the .ini files of templates/longarm/, compiled into the
 * program), sorted by forum; ids and forums unique.  *OUT is the caller's
 * (g_ptr_array_unref frees the files). */
wb_status_t wb_longarms_builtin (GPtrArray **out, char **errmsg);

/* Copies giving one kind of contact, or meeting one provision. */
typedef struct {
	int64_t copies;
	char first[11], last[11];    /* local days "YYYY-MM-DD", "" if no copy has one */
	int64_t examples[3];         /* the smallest copy ids */
	int n_examples;
} wb_contact_stat_t;

typedef struct {
	char forum[3];
	const wb_longarm_t *longarm;        /* NULL: no file for the forum; owned by the result */
	wb_contact_stat_t *provisions;      /* one per longarm->provisions; NULL without a file */
	wb_contact_stat_t contacts[WB_CONTACT_COUNT];
} wb_forum_contacts_t;

typedef struct {
	int64_t party;
	char *name, *role;           /* roster name and role */
	char *roles;                 /* the roles copies were attributed to it in, ", "-separated */
	int64_t copies;              /* copies attributed to it as sender, affiliate or
					advertiser: its contacts are among these */
	int64_t mentioned;           /* other copies that only mention it (its phone, its
					address): not contacts */
	GArray *forums;              /* of wb_forum_contacts_t, by forum */
} wb_defendant_contacts_t;

typedef struct {
	GPtrArray *longarms;         /* the files used */
	GPtrArray *defendants;       /* wb_defendant_contacts_t*, by name */
	int64_t link_run;            /* custody run of the 'link' the attribution comes from */
} wb_jurisdiction_t;

/* The forums a case can be asked about: every forum with a long-arm file
 * and every state the trap roster names (holder's state, provider's state).
 * Upper case, sorted, unique; the caller frees (g_strfreev).  CS may be
 * NULL: the files' forums. */
char **wb_jurisdiction_forums (wb_case_t *cs, const GPtrArray *longarms);

/* Each roster party's contacts (DEFENDANT: only the roster party of that
 * name, any case) with each forum (FORUM: only that one, upper or lower
 * case) under LONGARMS (wb_longarms_builtin; the result takes a
 * reference).  A party's copies are those 'link' attributed to it as
 * sender, affiliate or advertiser; a copy that only mentions it is none.
 * WB_ERR_NOT_FOUND, with the message on the case, when 'link' has not run,
 * no parties were imported, or DEFENDANT or FORUM is not one the case
 * knows (the message lists the valid ones).  *OUT is the caller's
 * (wb_jurisdiction_free). */
wb_status_t wb_jurisdiction_compute (wb_case_t *cs, GPtrArray *longarms, const char *defendant,
				     const char *forum, wb_jurisdiction_t **out);
void wb_jurisdiction_free (wb_jurisdiction_t *j);

#endif
