int printf(const char *, ...);
int twice(int);
int main(void)
{
    printf("twice 21 is %d\n", twice(21));
    return 0;
}
