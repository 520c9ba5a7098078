// bootmap's exit codes: 0 ok, 1 the prediction says the crash reservation fails, 2 bad input.
export const EXIT_OK = 0;
export const EXIT_RESERVATION_FAILS = 1;
export const EXIT_BAD_INPUT = 2;
