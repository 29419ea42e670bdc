//! Panics through a closure, a trait method and a generic function (tests/test_rustdebug_run.py): the trap's
//! backtrace names Rust functions as wasmtime demangles them (`<panics::Grid as panics::Lookup>::at`,
//! `panics::main::{{closure}}`).

trait Lookup {
    fn at(&self, row: usize, column: usize) -> u8;
}

struct Grid {
    cells: Vec<u8>,
    width: usize,
}

impl Lookup for Grid {
    fn at(&self, row: usize, column: usize) -> u8 {
        self.cells[row * self.width + column]
    }
}

fn first_over<T: Lookup>(grid: &T, limit: u8, rows: usize) -> Option<usize> {
    (0..rows).find(|&row| grid.at(row, 1) > limit)
}

fn main() {
    let grid = Grid { cells: vec![1, 2, 3, 4, 5, 6], width: 2 };
    println!("first row over 3: {:?}", first_over(&grid, 3, 3));
    let rows = std::env::args().count() + 3;
    let scan = |limit: u8| first_over(&grid, limit, rows);
    println!("first row over 9: {:?}", scan(9));
}
