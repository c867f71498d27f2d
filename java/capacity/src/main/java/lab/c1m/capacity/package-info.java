/**
 * The product's capacity logic, apart from the jars' plumbing: whether a host can hold its share.
 * {@code lab.c1m.capacity} holds the rules ({@link lab.c1m.capacity.Rules}, from rules.properties, the table
 * report/c1mlab/rules.py reads too), what a share needs ({@link lab.c1m.capacity.Needs}), the host's facts
 * ({@link lab.c1m.capacity.HostFacts}, {@link lab.c1m.capacity.HostLimits}) and the fix texts
 * ({@link lab.c1m.capacity.Capacity}), which server runs ({@link lab.c1m.capacity.ServerImpl}); {@code .doctor}
 * judges a host by them and {@code .plan} sizes hosts by them. The server and client jars carry both as their {@code doctor} and {@code plan} commands.
 *
 * <p>This module depends on c1m-common (command line, notations, transports, /proc reading, the record a
 * run writes) and common never on it: plumbing takes no rule. Where the two met, the edge points here:
 * <ul>
 *   <li>the heartbeat's floor ({@code heartbeat.min_ms}) is a rule, so the converter that enforces it,
 *       {@link lab.c1m.capacity.HeartbeatConverter}, lives here; common's DurationConverter reads the
 *       notation;</li>
 *   <li>reading /proc and /sys files is host plumbing ({@code lab.c1m.common.host.ProcFiles}): the io_uring
 *       transport reads its locked-memory limit there, and HostLimits and HostFacts read every fact
 *       through it;</li>
 *   <li>the longest duration (a year) is a limit of the notation, not a capacity rule: it is
 *       {@code Quantities.DURATION_MAX_MS} and report/c1mlab/notation.py's, held equal by
 *       tests/vectors/notation.json.</li>
 * </ul>
 */
package lab.c1m.capacity;
