/* in-own-group PROGRAM [ARG...]: runs PROGRAM in a process group of its own, in the caller's session.
 * The stand-in executors start each RUN through it, as Kaniko starts a RUN (its pkg/commands/run.go
 * sets Setpgid, not Setsid). A shell cannot do this without a terminal: `set -m` needs one. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fputs("usage: in-own-group PROGRAM [ARG...]\n", stderr);
        return 2;
    }
    if (setpgid(0, 0) != 0) {
        perror("in-own-group: setpgid");
        return 126;
    }
    execvp(argv[1], argv + 1);
    perror("in-own-group: exec");
    return 127;
}
