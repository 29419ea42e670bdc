/* A small C program for source-level debugging of Wasm: clang-19 --target=wasm32 -g compiles it, the backend
   translates its DWARF; the tests run the same commands on it and on a native build and compare. */

struct point {
    int x;
    int y;
};

struct node {
    int value;
    struct node *next;
};

static int counter = 5;
static struct node nodes[3];

static int add(int a, int b) {
    int sum = a + b; /* @add */
    return sum;
}

int scale(struct point *p, int k) {
    p->x = p->x * k;
    p->y = add(p->y, k); /* @scale */
    return p->x + p->y;
}

int sum_list(struct node *head) {
    int total = 0;
    while (head) {
        total += head->value; /* @list */
        head = head->next;
    }
    return total;
}

int run(int n) {
    struct point pt = {3, 4};
    int *q = &counter;
    int total = 0;
    for (int i = 0; i < n; i++) {
        total += scale(&pt, 2); /* @loop */
    }
    for (int i = 0; i < 3; i++) {
        nodes[i].value = 10 * (i + 1);
        nodes[i].next = i < 2 ? &nodes[i + 1] : 0;
    }
    total += sum_list(&nodes[0]);
    *q = total; /* @store */
    return total + counter;
}
