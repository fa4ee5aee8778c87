/*
 * globals_bait.c - a library with every kind of writable global the
 * no-writable-globals check must catch (a test expects it to fail on this
 * one): initialised and zeroed data, a common symbol, thread-local storage.
 * Not part of mvdm.
 */
static int bait_counter;
int bait_initialised = 5;
static __thread int bait_tls;
int bait_common __attribute__((common));
static const char *const bait_names[] = { "const", "allowed" }; /* .data.rel.ro: allowed */

int globals_bait(int x);
int globals_bait(int x)
{
	bait_counter += x;
	bait_tls++;
	bait_common++;
	return bait_counter + bait_initialised + bait_tls + bait_names[x & 1][0];
}
