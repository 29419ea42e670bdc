/* Word counts in a chained hash table: strings, malloc, strcmp, a linked list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry { char *word; int count; struct entry *next; };
static struct entry *table[16];
static int distinct;

static unsigned hash(const char *s) {
    unsigned h = 5381;
    while (*s) h = h * 33 + (unsigned char)*s++;
    return h % 16;
}

static void add(const char *word) {
    unsigned k = hash(word);
    for (struct entry *e = table[k]; e; e = e->next)
        if (strcmp(e->word, word) == 0) { e->count++; return; } /* @found */
    struct entry *e = malloc(sizeof *e);
    e->word = strdup(word);
    e->count = 1;
    e->next = table[k];
    table[k] = e;
    distinct++; /* @new */
}

int main(void) {
    char text[] = "the cat and the hat and the bat";
    for (char *w = strtok(text, " "); w; w = strtok(NULL, " ")) add(w);
    printf("%d\n", distinct); /* @done */
    return 0;
}
