;; nqueens: count all solutions of the N-queens problem (Gabriel's list-based
;; version), repeated.  Args: N REPEAT.  Prints the total count (92 per run for N = 8).
(define (iota1 n)
  (let loop ((i n) (l '()))
    (if (= i 0)
        l
        (loop (- i 1) (cons i l)))))

(define (ok? row dist placed)
  (if (null? placed)
      #t
      (and (not (= (car placed) (+ row dist)))
           (not (= (car placed) (- row dist)))
           (ok? row (+ dist 1) (cdr placed)))))

(define (try-it x y z)
  (if (null? x)
      (if (null? y) 1 0)
      (+ (if (ok? (car x) 1 z)
             (try-it (append (cdr x) y) '() (cons (car x) z))
             0)
         (try-it (cdr x) (cons (car x) y) z))))

(define (queens n) (try-it (iota1 n) '() '()))

(define args (cdr (command-line)))
(define n (string->number (car args)))
(define repeat (string->number (cadr args)))
(define (run k total)
  (if (= k 0)
      total
      (run (- k 1) (+ total (queens n)))))
(display (run repeat 0))
(newline)
