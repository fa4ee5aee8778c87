/* large.c - large-model test program for CL: far data and code, malloc
 * from the far heap, long arithmetic. */
int printf(const char *, ...);
void *malloc(unsigned);
void free(void *);

struct node {
	struct node *next;
	long value;
};

int main(void)
{
	struct node *head = 0, *p;
	long sum = 0;
	int i;
	for (i = 1; i <= 1000; i++) {
		p = malloc(sizeof(*p));
		if (!p) {
			printf("out of memory at %d\n", i);
			return 1;
		}
		p->value = (long)i * i;
		p->next = head;
		head = p;
	}
	for (p = head; p; p = p->next)
		sum += p->value;
	printf("sum of 1000 squares = %ld\n", sum);
	printf("sizeof(void *) = %d\n", (int)sizeof(void *));
	while (head) {
		p = head->next;
		free(head);
		head = p;
	}
	return 0;
}
