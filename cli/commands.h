/*
 * commands.h - every iodrill subcommand, one line each, in the order `iodrill --help`
 * lists them: IDR_COMMAND(name, function, one-line summary).
 * A command's function is int fn(int argc, char **argv) (argv[0] is the command name),
 * returning the process exit status; its help text is the string <function>_help.
 */
IDR_COMMAND("version", cmd_version, "the build, the fio it was built for, the kernel")
IDR_COMMAND("devices", cmd_devices, "NVMe namespaces and block devices: identity, safe to write?, engines")
