package lab.c1m.capacity.doctor;

/** The verdict of one check: fine, worth a look, or the host cannot hold its share as it is. */
public enum Status {
    OK,
    WARN,
    FAIL
}
