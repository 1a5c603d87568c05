#include "iodrill.h"
#include "results.h"
int results_plot(struct ropts *o) { (void)o; idr_err("todo"); return 1; }
