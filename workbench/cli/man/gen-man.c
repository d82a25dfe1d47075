/* Writes workbench(1) to standard output from the command table and the
 * option tables (wb_options_man()), so the man page always names every
 * command and option the program takes.  Run by 'make' (build/workbench.1). */
#include <stdio.h>
#include "wb.h"

int
main (void)
{
	wb_options_man (stdout);
	return fflush (stdout) != 0 || ferror (stdout) ? 1 : 0;
}
