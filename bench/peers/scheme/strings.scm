;; strings: build one long string from N small pieces "k<i>=<i*i>;" (each made
;; with number->string and string-append) written to a string output port.
;; Args: N.  Prints the length of the result.
(define (build n)
  (let ((port (open-output-string)))
    (let loop ((i 0))
      (if (< i n)
          (begin
            (display (string-append "k" (number->string i)
                                    "=" (number->string (* i i)) ";")
                     port)
            (loop (+ i 1)))))
    (get-output-string port)))

(define n (string->number (cadr (command-line))))
(display (string-length (build n)))
(newline)
