/* The smallest static program: the target of the fork_exec item (exits 0 at once). */
int main(void)
{
	return 0;
}
