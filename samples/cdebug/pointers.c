/* C pointers held in locals, in struct fields and in arrays in linear memory, strings among them: the debugger
 * follows each as in the native build. ``run`` is the export the host calls. */
#include <stdint.h>

struct node {
    int value;
    struct node *next;
    const char *label;
};

struct table {
    int count;
    int *cells;
    struct node *nodes[4];
    char name[8];
    const char **names;
};

static int cells[6] = {10, 20, 30, 40, 50, 60};
static struct node chain[3];
static struct table table;
static const char *words[3] = {"alpha", "beta", 0};

static int walk(struct table *t, struct node *head) {
    int total = 0;
    for (struct node *p = head; p; p = p->next)
        total += p->value;
    int *q = &t->cells[2];
    const char **names = t->names; /* a local pointing at pointers, as argv */
    return total + *q + (names[1][0] == 'b'); /* @walk */
}

int32_t run(int32_t n) {
    chain[0] = (struct node){n, &chain[1], "first"};
    chain[1] = (struct node){n * 10, &chain[2], "second"};
    chain[2] = (struct node){n * 100, 0, words[1]};
    table.count = 6;
    table.cells = cells;
    for (int i = 0; i < 3; i++)
        table.nodes[i] = &chain[i];
    table.nodes[3] = 0;
    table.name[0] = 't';
    table.name[1] = 'b';
    table.name[2] = 0;
    table.names = words;
    return walk(&table, chain);
}
