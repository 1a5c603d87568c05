/*
 * commands.h - every iodrill subcommand, one line each, in the order `iodrill --help`
 * lists them: IDR_COMMAND(name, function, one-line summary).
 * A command's function is int fn(int argc, char **argv) (argv[0] is the command name),
 * returning the process exit status; its help text is the string <function>_help.
 */
IDR_COMMAND("version", cmd_version, "the build, the fio it was built for, the kernel")
IDR_COMMAND("devices", cmd_devices,
	    "NVMe namespaces and block devices: identity, safe to write?, engines")
IDR_COMMAND("drill", cmd_drill, "the drill: 1,000 random reads through every engine, one table")
IDR_COMMAND("precondition", cmd_precondition,
	    "write TARGET whole, so the drill's reads reach the media")
IDR_COMMAND("tune", cmd_tune,
	    "queue depth 1..1024 through one engine: the IOPS knee, where p99 climbs")
IDR_COMMAND("results", cmd_results,
	    "the per-device results archive: list, show, compare, plot, add")
