/*
 * plot.h - the one place iodrill runs gnuplot: the drill's and tune's charts, and the
 * results archive's (chart.h writes their scripts).
 */
#ifndef IDR_CLI_PLOT_H
#define IDR_CLI_PLOT_H

#include <stddef.h>

/*
 * idr_plot - run gnuplot ($IODRILL_GNUPLOT, else gnuplot on the PATH) on script, a whole
 * gnuplot program that sets its own terminal and output (data inline, in $name << EOD
 * blocks). Returns 0; -ENOENT when gnuplot is not installed; -EIO when it failed, with
 * its first error line in err ("gnuplot: line 3: ..."); -errno when it could not be run.
 */
int idr_plot(const char *script, char *err, size_t errlen);

/*
 * idr_plot_quote - str as a gnuplot double-quoted string (backslash and quote escaped,
 * control characters dropped) into buf, for titles and file names.
 */
void idr_plot_quote(const char *str, char *buf, size_t len);

#endif
