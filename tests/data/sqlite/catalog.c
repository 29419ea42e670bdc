/* The project's test program for its SQLite build: a small book catalogue in an in-memory database.
 *
 * It creates two tables, inserts rows through a prepared statement, and prints the result of a join with
 * aggregates (count, sum, avg, max, group_concat), a recursive common table expression and a few built-in
 * functions, so that a run goes through SQLite's parser, code generator, virtual machine, B-tree, pager (in
 * memory) and its printf. Everything it prints is determined by the program: the OS layer (port/memvfs.c) gives
 * a fixed clock and fixed randomness. The exit status is 0, or 1 with SQLite's message on stderr. */

#include <stdio.h>

#include "sqlite3.h"

struct author {
  int id;
  const char *name;
  int born;
};

static const struct author authors[] = {
  {1, "Ursula K. Le Guin", 1929},
  {2, "Stanislaw Lem", 1921},
  {3, "Octavia E. Butler", 1947},
  {4, "Italo Calvino", 1923},
};

static const struct {
  int author;
  const char *title;
  int year;
  int pages;
} books[] = {
  {1, "A Wizard of Earthsea", 1968, 183}, {1, "The Left Hand of Darkness", 1969, 286},
  {1, "The Dispossessed", 1974, 387},     {2, "Solaris", 1961, 204},
  {2, "The Cyberiad", 1965, 295},         {2, "His Master's Voice", 1968, 199},
  {2, "Fiasco", 1986, 322},               {3, "Kindred", 1979, 264},
  {3, "Parable of the Sower", 1993, 345}, {4, "Invisible Cities", 1972, 165},
  {4, "If on a winter's night a traveler", 1979, 260},
};

static int fail(sqlite3 *db, const char *what) {
  fprintf(stderr, "catalog: %s: %s\n", what, sqlite3_errmsg(db));
  sqlite3_close(db);
  return 1;
}

/* Binds one author's columns and steps the insert once. */
static int insert_author(sqlite3_stmt *insert, const struct author *author) {
  sqlite3_bind_int(insert, 1, author->id);
  sqlite3_bind_text(insert, 2, author->name, -1, SQLITE_STATIC);
  sqlite3_bind_int(insert, 3, author->born);
  int rc = sqlite3_step(insert);
  sqlite3_reset(insert);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int print_row(void *title, int columns, char **values, char **names) {
  int *first = title;
  if (*first) {
    for (int i = 0; i < columns; i++) printf("%s%s", i ? " | " : "", names[i]);
    printf("\n");
    *first = 0;
  }
  for (int i = 0; i < columns; i++) printf("%s%s", i ? " | " : "", values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

static int query(sqlite3 *db, const char *sql) {
  int first = 1;
  char *error = 0;
  if (sqlite3_exec(db, sql, print_row, &first, &error) != SQLITE_OK) {
    fprintf(stderr, "catalog: %s\n", error);
    sqlite3_free(error);
    return 1;
  }
  printf("\n");
  return 0;
}

int main(void) {
  sqlite3 *db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return fail(db, "open");
  printf("SQLite %s\n\n", sqlite3_libversion());
  if (sqlite3_exec(db,
                   "CREATE TABLE author(id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER);"
                   "CREATE TABLE book(id INTEGER PRIMARY KEY, author INTEGER REFERENCES author(id),"
                   " title TEXT, year INTEGER, pages INTEGER);"
                   "CREATE INDEX book_by_author ON book(author, year);",
                   0, 0, 0) != SQLITE_OK)
    return fail(db, "create");

  sqlite3_stmt *insert;
  if (sqlite3_prepare_v2(db, "INSERT INTO author VALUES (?1, ?2, ?3)", -1, &insert, 0) != SQLITE_OK)
    return fail(db, "prepare author");
  for (unsigned i = 0; i < sizeof authors / sizeof authors[0]; i++)
    if (insert_author(insert, &authors[i]) != SQLITE_OK) return fail(db, "insert author");
  sqlite3_finalize(insert);

  if (sqlite3_prepare_v2(db, "INSERT INTO book(author, title, year, pages) VALUES (?, ?, ?, ?)", -1, &insert, 0)
      != SQLITE_OK)
    return fail(db, "prepare book");
  sqlite3_exec(db, "BEGIN", 0, 0, 0);
  for (unsigned i = 0; i < sizeof books / sizeof books[0]; i++) {
    sqlite3_bind_int(insert, 1, books[i].author);
    sqlite3_bind_text(insert, 2, books[i].title, -1, SQLITE_STATIC);
    sqlite3_bind_int(insert, 3, books[i].year);
    sqlite3_bind_int(insert, 4, books[i].pages);
    if (sqlite3_step(insert) != SQLITE_DONE) return fail(db, "insert book");
    sqlite3_reset(insert);
  }
  sqlite3_exec(db, "COMMIT", 0, 0, 0);
  sqlite3_finalize(insert);

  int status = 0;
  status |= query(db,
                  "SELECT a.name, count(*) AS books, sum(b.pages) AS pages, printf('%.1f', avg(b.year)) AS mean_year,"
                  " max(b.year) - a.born AS age_at_last"
                  " FROM author a JOIN book b ON b.author = a.id GROUP BY a.id ORDER BY pages DESC");
  status |= query(db,
                  "SELECT b.year / 10 * 10 AS decade, group_concat(b.title, '; ') AS titles"
                  " FROM book b GROUP BY decade HAVING count(*) > 1 ORDER BY decade");
  status |= query(db,
                  "WITH RECURSIVE fib(n, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT n + 1, b, a + b FROM fib"
                  " WHERE n < 20) SELECT group_concat(a, ' ') AS fibonacci, sum(a) AS total FROM fib");
  status |= query(db,
                  "SELECT upper(substr(title, 1, 8)) AS head, length(title) AS len, hex(year) AS hex,"
                  " round(pages / 3.0, 2) AS third, date('now', '+' || year || ' days') AS later"
                  " FROM book WHERE title LIKE '%the%' ORDER BY len, title");
  status |= query(db, "SELECT abs(random() % 1000) AS r1, abs(random() % 1000) AS r2");
  if (sqlite3_close(db) != SQLITE_OK) return 1;
  return status;
}
