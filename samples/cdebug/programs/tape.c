/* A brainfuck-style tape: a struct passed by value and by pointer, a heap buffer, a global pointer. */
#include <stdio.h>
#include <stdlib.h>

struct tape { char *cells; int cap; int pos; };
static const char *greeting = "hello";
static struct tape *current;

int tape_get(struct tape tape) {
    int value = tape.cells[tape.pos];
    return value; /* @get */
}

void tape_move(struct tape *t, int by) {
    t->pos += by;
    if (t->pos >= t->cap) {
        t->cells = realloc(t->cells, 2 * t->cap);
        for (int i = t->cap; i < 2 * t->cap; i++) t->cells[i] = 0;
        t->cap *= 2; /* @grow */
    }
}

int main(int argc, char **argv) {
    struct tape t = {calloc(4, 1), 4, 0};
    current = &t;
    int total = 0;
    for (int step = 0; step < 6; step++) {
        t.cells[t.pos] += step;
        tape_move(&t, 1);
        total += tape_get(t); /* @loop */
    }
    printf("%d %s %d\n", total, greeting, argc);
    return 0;
}
