//! A small Rust program for the source-level debugging tests (tests/test_rustdebug_*.py): integers, references,
//! slices, &str, structs, enums with and without data, Option, a generic function, a method; every value it
//! computes is printed, so the debuggers' values can be checked against its output.

#[derive(Debug, Clone, Copy, PartialEq)]
enum Color {
    Red,
    Green,
    Blue,
}

#[derive(Debug, Clone, Copy)]
struct Point {
    x: i32,
    y: i32,
}

#[derive(Debug)]
enum Shape {
    Circle { center: Point, radius: u32 },
    Rect(Point, Point),
    Empty,
}

impl Point {
    fn manhattan(&self, other: &Point) -> i32 {
        let dx = (self.x - other.x).abs();
        let dy = (self.y - other.y).abs();
        dx + dy // manhattan
    }
}

fn area(shape: &Shape) -> u64 {
    match shape {
        Shape::Circle { radius, .. } => {
            let r = *radius as u64;
            3 * r * r // circle
        }
        Shape::Rect(a, b) => {
            let w = (b.x - a.x).unsigned_abs() as u64;
            let h = (b.y - a.y).unsigned_abs() as u64;
            w * h // rect
        }
        Shape::Empty => 0,
    }
}

fn sum(values: &[i32]) -> i32 {
    let mut total = 0;
    for v in values {
        total += v; // sum
    }
    total
}

fn largest<T: PartialOrd + Copy>(items: &[T]) -> T {
    let mut best = items[0];
    for &item in items {
        if item > best {
            best = item; // largest
        }
    }
    best
}

fn describe(name: &str, color: Color, size: Option<u32>, pair: (i32, bool)) -> usize {
    let label = match size {
        Some(n) if n > 10 => "big",
        Some(_) => "small",
        None => "none",
    };
    let length = name.len() + label.len(); // describe
    if pair.1 && color == Color::Green {
        length + pair.0 as usize
    } else {
        length
    }
}

fn greet(name: &str, times: u32) -> String {
    let mut out = String::new();
    for _ in 0..times {
        out.push_str(name);
    }
    out // greet
}

fn main() {
    let origin = Point { x: 1, y: 2 };
    let corner = Point { x: 4, y: 6 };
    let shapes = [
        Shape::Circle { center: origin, radius: 5 },
        Shape::Rect(origin, corner),
        Shape::Empty,
    ];
    let mut total_area = 0;
    for s in &shapes {
        total_area += area(s);
    }
    let numbers = vec![3, 1, 4, 1, 5, 9, 2, 6];
    let n = sum(&numbers);
    let top = largest(&numbers);
    let widest = largest(&[2.5f64, 7.25, 1.0]);
    let distance = origin.manhattan(&corner);
    let described = describe("point", Color::Green, Some(12), (7, true));
    let word = greet("ab", 3);
    println!("area {} sum {} top {} widest {} distance {} described {} word {}",
             total_area, n, top, widest, distance, described, word);
    println!("{:?} {:?} {:?}", shapes[0], shapes[1], Color::Blue);
}
