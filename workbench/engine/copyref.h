/* Naming a message copy the same way in every command and every CSV. */
#ifndef WB_COPYREF_H
#define WB_COPYREF_H

#include <glib.h>
#include "case.h"

/* The copies ARG names, appended to IDS (a GArray of int64_t messages.id,
 * in id order):
 *   - a copy id as 'messages' and 'show' print it ("122", or "#122");
 *   - a SHA-256 (64 hex digits), or a prefix of one of at least 8 hex
 *     digits naming one message (every copy of it, one per trap);
 *   - a Message-ID, with or without the angle brackets.
 * A string of 8 or more digits may be a copy id and a prefix: it must name
 * one or the other.  TRAP (an address, NULL or "" for any) keeps only that
 * trap's copies.  Returns WB_OK with at least one id; WB_ERR_NOT_FOUND when
 * nothing matches or the prefix is ambiguous (then the message on CS lists
 * the candidates, each with its copies, and ends with a "hint:" line);
 * WB_ERR_DB. */
wb_status_t wb_copy_resolve (wb_case_t *cs, const char *arg, const char *trap, GArray *ids);

#endif
